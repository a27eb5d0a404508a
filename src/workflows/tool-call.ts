/**
 * `toolCall`: one tool through the same path a research run's steps take (policy check, gate when
 * required, the call under the tool's retry policy, pause on a failure for good), then the end.
 */
import { allHandlersFinished, ApplicationFailure, condition, workflowInfo } from '@temporalio/workflow';
import { BUILTIN_POLICY, toolModesOf } from '../shared/policy';
import { ToolCallInput, ToolCallResult } from '../shared/tool-call';
import { describeZodError, TOOLS, ToolName } from '../shared/tools';
import { requireReadableInput } from '../shared/undecodable';
import { ApprovalGates } from './approval-gate';
import type { CallOptions } from './call-tool';
import { OperatorControl } from './operator-control';
import { registerRunApi } from './run-api';
import { endStoppedRun } from './run-ending';
import { RunRecorder } from './run-recorder';
import { ToolPath } from './tool-path';
import { WorkflowShape } from './workflow-shape';

const PREVIEW_LINES = 12;

export async function toolCall(rawInput: ToolCallInput): Promise<ToolCallResult> {
  requireReadableInput(rawInput);
  const { workflowId } = workflowInfo();
  const parsed = ToolCallInput.safeParse(rawInput);
  const tool = parsed.success ? parsed.data.tool : null;
  const startedBy = parsed.success ? (parsed.data.startedBy ?? null) : null;
  const topic = `${tool ?? 'tool'} call`;
  const run = new RunRecorder(workflowId, topic, startedBy);
  const control = new OperatorControl(run);
  const shape = new WorkflowShape();
  const calls: CallOptions = { serverRetries: true, checkedResults: shape.has('checked-results') };
  const gates = new ApprovalGates(
    { run, startedBy: startedBy ?? 'unknown', topic, previewLines: PREVIEW_LINES, callOptions: calls, shape },
    BUILTIN_POLICY,
  );
  registerRunApi(run, gates, control);

  run.event('run_created', { data: { workflowType: 'toolCall', tool, valid: parsed.success } });
  run.setStatus('running');
  if (!parsed.success) return failAtOnce(run, `invalid tool call: ${describeZodError(parsed.error)}`);
  const input = parsed.data;
  const args = TOOLS[input.tool].input.safeParse(input.args);
  if (!args.success) return failAtOnce(run, `invalid arguments for ${input.tool}: ${describeZodError(args.error)}`);

  const policy = input.policy ?? BUILTIN_POLICY;
  const digest = input.policy ? (input.policyDigest ?? null) : null;
  gates.usePolicy(policy, digest);
  control.usePolicy(policy);
  calls.execution = toolModesOf(policy, undefined);
  run.state.policy = { name: policy.name, digest };
  const facts = factsOf(input.tool, args.data as Record<string, unknown>);
  const path = new ToolPath({
    run,
    policy,
    policyDigest: digest,
    topic: facts.topic,
    gates,
    control,
    calls,
    previewLines: PREVIEW_LINES,
    budget: policy.budget?.maxTotalTokens ?? null,
  });
  let output: unknown = null;
  try {
    output = await path.call(input.tool, args.data as never, facts);
    run.state.currentStep = null;
    run.setStatus('completed');
    run.event('run_completed', { tool: input.tool });
  } catch (err) {
    await endStoppedRun(run, err);
  }
  await condition(allHandlersFinished);
  const { trace: _trace, ...result } = run.state;
  return { ...result, output };
}

/** What the policy judges a call by: its topic (when it has one) and, for the write, its path. */
function factsOf(tool: ToolName, args: Record<string, unknown>): { topic: string; outputPath?: string } {
  const topic = typeof args.topic === 'string' ? args.topic : '';
  if (tool !== 'finalize_report') return { topic };
  return { topic, outputPath: typeof args.relativePath === 'string' ? args.relativePath : `${String(args.runId)}/final_report.md` };
}

function failAtOnce(run: RunRecorder, message: string): never {
  run.fail(message);
  throw ApplicationFailure.nonRetryable(message, 'InvalidToolCall');
}
