/**
 * `toolCall`: one tool through the same path a research run's steps take (policy check, gate when
 * required, the call under the tool's retry policy, pause on a failure for good), then the end.
 */
import { toolModesOf } from '../shared/policy';
import { ToolCallInput, ToolCallResult } from '../shared/tool-call';
import { TOOLS } from '../shared/tools';
import { describeZodError } from '../shared/tool-contract';
import { harnessRun, Parsed } from './kernel/harness-run';

const PREVIEW_LINES = 12;

type Call = ReturnType<typeof ToolCallInput.parse>;

export async function toolCall(rawInput: ToolCallInput): Promise<ToolCallResult> {
  return harnessRun(
    rawInput,
    {
      workflowType: 'toolCall',
      describe: (raw) => {
        const parsed = ToolCallInput.safeParse(raw);
        const tool = parsed.success ? parsed.data.tool : null;
        return {
          topic: `${tool ?? 'tool'} call`,
          startedBy: parsed.success ? (parsed.data.startedBy ?? null) : null,
          previewLines: PREVIEW_LINES,
          created: { tool },
        };
      },
      parse: parseCall,
      invalidInputType: 'InvalidToolCall',
      completed: (_output, input) => ({ tool: input.tool }),
      result: (state, output) => {
        const { trace: _trace, ...result } = state;
        return { ...result, output: output ?? null };
      },
    },
    async (input, kernel) => {
      const { policy } = await kernel.resolvePolicy(input, 'builtin');
      kernel.calls.execution = toolModesOf(policy, undefined);
      const args = input.args as Record<string, unknown>;
      // The policy judges a call by its topic, when it has one (and a write by its path: the tool's writesTo).
      const topic = typeof args.topic === 'string' ? args.topic : '';
      const path = kernel.toolPath({ topic, budget: policy.budget?.maxTotalTokens ?? null });
      return (await path.call(TOOLS[input.tool], input.args as never, { topic })) as unknown;
    },
  );
}

/** The call, its arguments checked against the tool's contract. */
function parseCall(raw: unknown): Parsed<Call> {
  const parsed = ToolCallInput.safeParse(raw);
  if (!parsed.success) return { ok: false, message: `invalid tool call: ${describeZodError(parsed.error)}` };
  const args = TOOLS[parsed.data.tool].input.safeParse(parsed.data.args);
  if (!args.success) return { ok: false, message: `invalid arguments for ${parsed.data.tool}: ${describeZodError(args.error)}` };
  return { ok: true, input: { ...parsed.data, args: args.data as Call['args'] } };
}
