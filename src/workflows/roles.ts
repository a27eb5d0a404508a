/**
 * The roles of a multi-role run, each a child workflow with its own history (visible under the
 * parent in Temporal Web): the planner plans, the executor searches, extracts and drafts, the
 * reviewer reviews. A role's tools take the same path as the single loop's (contract, policy, gate,
 * retries, trace); a tool that fails for good ends the role, and the parent pauses for an operator.
 */
import { allHandlersFinished, ApplicationFailure, condition, workflowInfo } from '@temporalio/workflow';
import { BUILTIN_POLICY } from '../shared/policy';
import { RoleInput, RoleOutput } from '../shared/roles';
import { describeZodError } from '../shared/tools';
import { requireReadableInput } from '../shared/undecodable';
import { ApprovalGates } from './approval-gate';
import type { CallOptions } from './call-tool';
import { OperatorControl } from './operator-control';
import { registerRunApi } from './run-api';
import { endStoppedRun } from './run-ending';
import { RunRecorder } from './run-recorder';
import { ToolPath } from './tool-path';
import { WorkflowShape } from './workflow-shape';

type RoleWork = Omit<RoleOutput, 'steps' | 'trace' | 'usage' | 'rejected'>;
type ParsedInput = ReturnType<typeof RoleInput.parse>;

async function roleRun(
  raw: RoleInput,
  work: (tools: ToolPath, run: RunRecorder, input: ParsedInput) => Promise<RoleWork>,
): Promise<RoleOutput> {
  requireReadableInput(raw);
  const { workflowId } = workflowInfo();
  const parsed = RoleInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid role input: ${describeZodError(parsed.error)}`, 'InvalidRunInput');
  const input = parsed.data;
  const topic = `${input.topic} (${input.role})`;
  const run = new RunRecorder(workflowId, topic, input.startedBy);
  const control = new OperatorControl(run);
  const shape = new WorkflowShape();
  const calls: CallOptions = {
    serverRetries: true,
    checkedResults: shape.has('checked-results'),
    heartbeatTimeoutMs: input.heartbeatTimeoutMs,
    execution: input.execution as CallOptions['execution'],
  };
  const gates = new ApprovalGates(
    {
      run,
      startedBy: input.startedBy ?? 'unknown',
      topic,
      previewLines: input.previewLines,
      callOptions: calls,
      shape,
    },
    BUILTIN_POLICY,
  );
  registerRunApi(run, gates, control);
  run.event('run_created', { data: { workflowType: `${input.role}Role`, parent: input.parentId } });
  run.setStatus('running');
  gates.usePolicy(input.policy, input.policyDigest);
  control.usePolicy(input.policy);
  run.state.policy = { name: input.policy.name, digest: input.policyDigest };
  const tools = new ToolPath({
    run,
    policy: input.policy,
    policyDigest: input.policyDigest,
    topic: input.topic,
    gates,
    control,
    calls,
    previewLines: input.previewLines,
    budget: null,
    pauseOnFailure: false,
  });
  let produced: RoleWork = {};
  try {
    produced = await work(tools, run, input);
    run.state.currentStep = null;
    run.setStatus('completed');
    run.event('run_completed', { data: { role: input.role } });
  } catch (err) {
    await endStoppedRun(run, err);
  }
  await condition(allHandlersFinished);
  const { steps, trace, usage, status, decision } = run.state;
  return { ...produced, steps, trace, usage, rejected: status === 'rejected' ? decision : null };
}

export async function plannerRole(raw: RoleInput): Promise<RoleOutput> {
  return roleRun(raw, async (tools, _run, input) => {
    const plan = await tools.call('plan_run', { topic: input.topic, sourceTitles: input.sourceTitles ?? [] });
    return { plan: { steps: plan.steps, provider: plan.provider } };
  });
}

export async function executorRole(raw: RoleInput): Promise<RoleOutput> {
  return roleRun(raw, async (tools, _run, input) => {
    const { matches } = await tools.call('search_sources', { topic: input.topic, sources: input.sources ?? [] });
    const { facts } = await tools.call('extract_facts', { matches });
    // The reviewer's findings travel as one more plan step: the draft tool's contract stays as it is.
    const plan = [
      ...(input.plan ?? []),
      ...(input.findings?.length ? [`Address the reviewer's findings: ${input.findings.join('; ')}`] : []),
    ];
    const drafted = await tools.call('draft_report', { topic: input.topic, plan, facts });
    return { facts, draft: { markdown: drafted.markdown, sha256: drafted.sha256 } };
  });
}

export async function reviewerRole(raw: RoleInput): Promise<RoleOutput> {
  return roleRun(raw, async (tools, _run, input) => {
    const review = await tools.call('review_draft', { topic: input.topic, markdown: input.markdown ?? '' });
    return { review: { passed: review.passed, findings: review.findings } };
  });
}
