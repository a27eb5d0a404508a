/**
 * A governed workflow of your own, in one declaration: its input schema, the tools it may call and
 * its body. The kernel gives it everything a research run has (policy, gates, decisions through
 * both doors, operator control, trace, queries); the body only says which tools to call with what.
 *
 *   export const triage = defineWorkflow({
 *     name: 'triage', description: 'Files a ticket', input: z.object({ ticketId: z.string() }),
 *     tools: [lookupTicket, fileTicket], topic: (input) => `triage ${input.ticketId}`,
 *     run: async (input, harness) => harness.call(fileTicket, await harness.call(lookupTicket, input)),
 *   });
 *
 * Its input is the schema's object plus one reserved key, `harness` (policy snapshot and who
 * started it), which `harness start` fills and `temporal workflow start` may leave out.
 */
import { z } from 'zod';
import { PersonName } from '../../shared/identity';
import { CallFacts, Policy, policySchema, toolModesOf } from '../../shared/policy';
import type { RunState } from '../../shared/run';
import { AnyTool, describeZodError, InputOf, OutputOf, ToolCatalog, toolCatalog } from '../../shared/tool-contract';
import { harnessRun, Parsed, RunKernel } from './harness-run';

/** The input key the kernel reserves for itself in every declared workflow's input. */
export const HARNESS_INPUT_KEY = 'harness';

/** What `harness start` adds to a workflow's input: the policy it runs under and who started it. */
const runEnvelope = (tools: ToolCatalog) =>
  z
    .object({
      policy: policySchema(tools, 'ignore').optional(),
      policyDigest: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
      startedBy: PersonName.optional(),
    })
    .strict()
    .default({});

export interface WorkflowDeclaration<S extends z.ZodObject, O, D extends Record<string, unknown> = Record<string, unknown>> {
  /** The workflow type: the name it is exported under from the workflows module. */
  name: string;
  description: string;
  input: S;
  /** Every tool the body may call; a call to another is refused (`UnregisteredTool`). */
  tools: readonly AnyTool[];
  /** What the run is about, in lists and at its gates; policy rules such as `topic_matches` read it. */
  topic(input: z.output<S>): string;
  run(input: z.output<S>, harness: WorkflowContext<D>): Promise<O>;
  /** A tool that fails for good: `pause` (default) waits for an operator's resume or abort; `fail` ends the run. */
  onToolFailure?: 'pause' | 'fail';
  /** Lines of a gate's preview (default 12). */
  previewLines?: number;
}

/** A declaration as clients and workers read it: everything but its body. */
export type WorkflowDescription<S extends z.ZodObject, O, D extends Record<string, unknown> = Record<string, unknown>> = Omit<
  WorkflowDeclaration<S, O, D>,
  'run'
>;

/** What a workflow's body is given. */
export interface WorkflowContext<D extends Record<string, unknown> = Record<string, unknown>> {
  readonly workflowId: string;
  readonly policy: Policy;
  /** The one tool path: policy check, the gate when the policy requires one, the call under the tool's retry policy. */
  call<T extends AnyTool>(tool: T, args: InputOf<T>, facts?: Partial<CallFacts>): Promise<OutputOf<T>>;
  /** Ends the run failed, non-retryable, with this error type. */
  fail(message: string, type: string): never;
  /** Merges into the run's own part of its state (`state.data`): what the state query, `status --json` and an export show. */
  record(part: Partial<D>): void;
}

export type WorkflowInput<S extends z.ZodObject> = z.input<S> & { [HARNESS_INPUT_KEY]?: z.input<ReturnType<typeof runEnvelope>> };
/** The run's closing state (trace aside) and what the body returned (null unless it finished). */
export type WorkflowResult<O> = Omit<RunState, 'trace'> & { output: O | null };

export type DeclaredWorkflow<S extends z.ZodObject, O, D extends Record<string, unknown> = Record<string, unknown>> = ((
  input: WorkflowInput<S>,
) => Promise<WorkflowResult<O>>) & {
  readonly declaration: WorkflowDescription<S, O, D>;
  readonly tools: ToolCatalog;
};

interface Checked<S extends z.ZodObject> {
  value: z.output<S>;
  envelope: z.output<ReturnType<typeof runEnvelope>>;
}

export function defineWorkflow<S extends z.ZodObject, O, D extends Record<string, unknown> = Record<string, unknown>>(
  declaration: WorkflowDeclaration<S, O, D>,
): DeclaredWorkflow<S, O, D> {
  return declareOnKernel(declaration, (value, context) => declaration.run(value, context));
}

/**
 * A declared workflow whose body also holds the kernel: for the harness's own kinds of workflow
 * built on a declaration (an agent), not for a user's body.
 */
export function declareOnKernel<S extends z.ZodObject, O, D extends Record<string, unknown> = Record<string, unknown>>(
  declaration: WorkflowDescription<S, O, D>,
  body: (value: z.output<S>, context: WorkflowContext<D>, kernel: RunKernel) => Promise<O>,
  /** Called at the run's first task before anything is awaited: handlers registered here miss no early message. */
  registerHandlers?: (kernel: RunKernel) => void,
): DeclaredWorkflow<S, O, D> {
  const tools = toolCatalog(declaration.tools);
  const envelope = runEnvelope(tools);
  const parse = (raw: unknown): Parsed<Checked<S>> => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      return { ok: false, message: `${declaration.name}: input must be an object` };
    const { [HARNESS_INPUT_KEY]: harness, ...own } = raw as Record<string, unknown>;
    const run = envelope.safeParse(harness);
    if (!run.success) return { ok: false, message: `${declaration.name}: invalid ${HARNESS_INPUT_KEY}: ${describeZodError(run.error)}` };
    const value = declaration.input.safeParse(own);
    if (!value.success) return { ok: false, message: `${declaration.name}: invalid input: ${describeZodError(value.error)}` };
    return { ok: true, input: { value: value.data, envelope: run.data } };
  };
  const workflow = (raw: WorkflowInput<S>): Promise<WorkflowResult<O>> =>
    harnessRun(
      raw,
      {
        workflowType: declaration.name,
        tools,
        unexpectedErrors: 'fail-run',
        describe: (input) => {
          const parsed = parse(input);
          return {
            topic: parsed.ok ? topicOf(declaration, parsed.input.value) : declaration.name,
            startedBy: parsed.ok ? (parsed.input.envelope.startedBy ?? null) : null,
            previewLines: declaration.previewLines ?? 12,
          };
        },
        parse,
        invalidInputType: 'InvalidWorkflowInput',
        result: (state, output) => {
          const { trace: _trace, ...result } = state;
          return { ...result, output: (output ?? null) as O | null };
        },
      },
      async ({ value, envelope: run }, kernel) => {
        registerHandlers?.(kernel);
        const { policy } = await kernel.resolvePolicy(run, 'worker-default');
        kernel.calls.execution = toolModesOf(policy, undefined, tools);
        const topic = topicOf(declaration, value);
        const path = kernel.toolPath({
          topic,
          budget: policy.budget?.maxTotalTokens ?? null,
          pauseOnFailure: (declaration.onToolFailure ?? 'pause') === 'pause',
        });
        const context: WorkflowContext<D> = {
          workflowId: kernel.workflowId,
          policy,
          call: (tool, args, facts) => path.call(tool, args, facts),
          fail: kernel.fail,
          record: (part) => {
            kernel.run.state.data = { ...kernel.run.state.data, ...part };
          },
        };
        return body(value, context, kernel);
      },
    );
  // Named as its type, so the SDK's own client.workflow.start(triage, …) starts it under that name.
  Object.defineProperty(workflow, 'name', { value: declaration.name });
  return Object.assign(workflow, { declaration, tools });
}

/** The topic, or the workflow's name when the declaration's function cannot say (it must not fail the run). */
export function topicOf<S extends z.ZodObject>(
  declaration: Pick<WorkflowDeclaration<S, unknown>, 'topic' | 'name'>,
  value: z.output<S>,
): string {
  try {
    return declaration.topic(value).slice(0, 200) || declaration.name;
  } catch {
    return declaration.name;
  }
}
