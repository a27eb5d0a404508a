/** Starting one tool as a durable `toolCall` workflow, its arguments checked against the tool's contract first. */
import { randomBytes } from 'node:crypto';
import type { LoadedPolicy } from '../../config/policy-file';
import { HARNESS_STATUS } from '../../shared/search-attributes';
import { TOOL_CALL_WORKFLOW_TYPE, ToolCallInput } from '../../shared/tool-call';
import { TOOLS, TOOL_NAMES, ToolName } from '../../shared/tools';
import { describeZodError } from '../../shared/tool-contract';
import type { toolCall } from '../../workflows';
import { HarnessError } from './harness-error';
import { checkRunId, RunTarget } from './runs';

export interface ToolCallRequest {
  tool: string;
  args: unknown;
  policy: LoadedPolicy;
  startedBy?: string;
  id?: string;
}

export async function startToolCall({ client, taskQueue }: RunTarget, request: ToolCallRequest) {
  if (!(TOOL_NAMES as string[]).includes(request.tool))
    throw new HarnessError(`unknown tool "${request.tool}": use one of ${TOOL_NAMES.join(', ')}`);
  const tool = request.tool as ToolName;
  const args = TOOLS[tool].input.safeParse(request.args);
  if (!args.success) throw new HarnessError(`invalid arguments for ${tool}: ${describeZodError(args.error)}`);
  const input: ToolCallInput = {
    tool,
    args: request.args as Record<string, unknown>,
    policy: request.policy.policy,
    policyDigest: request.policy.digest,
    ...(request.startedBy ? { startedBy: request.startedBy } : {}),
  };
  const checked = ToolCallInput.safeParse(input);
  if (!checked.success) throw new HarnessError(`invalid tool call: ${describeZodError(checked.error)}`);
  return client.workflow.start<typeof toolCall>(TOOL_CALL_WORKFLOW_TYPE, {
    args: [input],
    taskQueue,
    workflowId: checkRunId(request.id ?? `call-${tool.replace(/_/g, '-')}-${randomBytes(3).toString('hex')}`),
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    memo: { topic: `${tool} call` },
    staticSummary: `tool call: ${tool}`,
    typedSearchAttributes: [{ key: HARNESS_STATUS, value: 'running' }],
  });
}
