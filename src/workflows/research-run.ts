/**
 * The research run: plan → search → extract → draft → review → finalize, each tool through the
 * one tool path (policy, gate when required, call, accounting) under the policy snapshot in its
 * input. A tool that fails for good pauses the run for an operator; a rejected gate ends it
 * `rejected`; cancellation ends it `cancelled` with nothing written.
 */
import { allHandlersFinished, ApplicationFailure, condition, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { REPORT_FILE_NAME } from '../shared/constants';
import { BUILTIN_POLICY, Policy, toolModesOf, toolPolicy } from '../shared/policy';
import { previewOf, RunInput, RunOptions, RunResult } from '../shared/run';
import { describeZodError, HarnessActivities } from '../shared/tools';
import { requireReadableInput, undecodableReason } from '../shared/undecodable';
import { ApprovalGates } from './approval-gate';
import { CallOptions } from './call-tool';
import { WorkflowShape } from './workflow-shape';
import { OperatorControl } from './operator-control';
import { registerRunApi } from './run-api';
import { endStoppedRun } from './run-ending';
import { RunRecorder } from './run-recorder';
import { RoleBase, RoleRunner } from './role-runner';
import { PolicyDeniedError, ToolPath } from './tool-path';

// Short: it returns the policy the worker loaded at start, and a lost attempt must be retried quickly.
const { load_default_policy } = proxyActivities<HarnessActivities>({ startToCloseTimeout: '5s', retry: { maximumAttempts: 10 } });

export async function researchRun(rawInput: RunInput): Promise<RunResult> {
  requireReadableInput(rawInput);
  const { workflowId } = workflowInfo();
  const topic = typeof rawInput?.topic === 'string' ? rawInput.topic : '';
  const startedBy = typeof rawInput?.startedBy === 'string' ? rawInput.startedBy : null;
  const options = RunOptions.safeParse(rawInput?.options ?? {});
  const previewLines = options.success ? options.data.previewLines : 12;
  // Decided once, at the run's first task: a run keeps the retry mode it started with.
  const shape = new WorkflowShape();
  const calls: CallOptions = {
    heartbeatTimeoutMs: options.success ? options.data.heartbeatTimeoutMs : undefined,
    serverRetries: shape.has('server-retries'),
    checkedResults: shape.has('checked-results'),
  };
  // Runs from before local tools keep every tool remote; the modes themselves need the policy.
  const localTools = shape.has('local-tools');
  const run = new RunRecorder(workflowId, topic, startedBy);
  const control = new OperatorControl(run);
  const gates = new ApprovalGates(
    { run, startedBy: startedBy ?? 'unknown', topic, previewLines, callOptions: calls, shape },
    BUILTIN_POLICY,
  );

  // The run's whole API, registered before the first await so an early decision is refused rather than lost.
  registerRunApi(run, gates, control);

  const parsed = RunInput.safeParse(rawInput);
  run.event('run_created', { data: { workflowType: 'researchRun', valid: parsed.success } });
  run.setStatus('running');
  if (!parsed.success) {
    const message = `invalid run input: ${undecodableReason(rawInput) ?? describeZodError(parsed.error)}`;
    run.fail(message);
    throw ApplicationFailure.nonRetryable(message, 'InvalidRunInput');
  }
  const input = parsed.data;
  run.snapshot.sources = input.sources;

  try {
    const { policy, digest } = await resolvePolicy(run, input);
    gates.usePolicy(policy, digest);
    control.usePolicy(policy);
    if (localTools) calls.execution = toolModesOf(policy, input.options?.execution);
    const budget = tokenBudget(input.options?.tokenBudget, policy);
    run.state.usage.budget = budget;
    const tools = new ToolPath({ run, policy, policyDigest: digest, topic: input.topic, gates, control, calls, previewLines, budget });

    // Multi-role runs (a new option, so never in an earlier history) record the patch; single-loop runs do not.
    const { drafted, review } =
      input.options?.multiAgent && patched('multi-role')
        ? await byRoles(new RoleRunner(run, control, roleBase(workflowId, input, digest, policy, calls, previewLines), budget), run, input)
        : await inOneLoop(tools, run, input);
    run.state.findings = review.findings;
    run.event('draft_reviewed', { data: { passed: review.passed, findings: review.findings } });
    if (!review.passed) {
      const message = `review failed: ${review.findings.join('; ')}`;
      run.fail(message);
      throw ApplicationFailure.nonRetryable(message, 'ReviewFailed');
    }

    const outputPath = input.options?.outputPath ?? defaultOutputPath(policy, workflowId);
    const report = await tools.call(
      'finalize_report',
      { runId: workflowId, markdown: drafted.markdown, sha256: drafted.sha256, relativePath: outputPath },
      { outputPath },
      {
        digest: drafted.sha256,
        preview: previewOf(drafted.markdown, previewLines),
        proposedPath: outputPath,
        review: { passed: review.passed, findings: review.findings },
      },
    );
    run.state.artifacts.report = report;
    run.state.currentStep = null;
    run.setStatus('completed');
    run.event('run_completed', { data: { path: report.path, sha256: report.sha256 } });
  } catch (err) {
    await endStoppedRun(run, err);
  }
  // An update still in flight (an edit under review, say) finishes before the run closes.
  await condition(allHandlersFinished);
  const { trace: _trace, ...result } = run.state;
  return result;
}

type Input = ReturnType<typeof RunInput.parse>;
type Drafted = { markdown: string; sha256: string };
type Reviewed = { passed: boolean; findings: string[] };

/** The single loop: every step a tool call of this workflow, in order. */
async function inOneLoop(tools: ToolPath, run: RunRecorder, input: Input): Promise<{ drafted: Drafted; review: Reviewed }> {
  const plan = await tools.call('plan_run', { topic: input.topic, sourceTitles: input.sources.map((s) => s.title) });
  recordPlan(run, plan);
  const { matches } = await tools.call('search_sources', { topic: input.topic, sources: input.sources });
  const { facts } = await tools.call('extract_facts', { matches });
  run.snapshot.facts = facts;
  const drafted = await tools.call('draft_report', { topic: input.topic, plan: plan.steps, facts });
  recordDraft(run, drafted);
  const review = await tools.call('review_draft', { topic: input.topic, markdown: drafted.markdown });
  return { drafted, review };
}

/** How many drafts the reviewer may see: the first, and one revision after it sent the draft back. */
const REVIEW_ROUNDS = 2;

/** The roles: planner, then executor and reviewer (the reviewer may send the draft back once), each a child workflow. */
async function byRoles(roles: RoleRunner, run: RunRecorder, input: Input): Promise<{ drafted: Drafted; review: Reviewed }> {
  const titles = input.sources.map((s) => s.title);
  const planned = await roles.hand('planner', 'run', 'plan the run', `topic "${input.topic}"; ${titles.length} source title(s)`, {
    sourceTitles: titles,
  });
  recordPlan(run, planned.plan!);
  let findings: string[] = [];
  for (let round = 1; ; round++) {
    const executed = await roles.hand(
      'executor',
      round === 1 ? 'planner' : 'reviewer',
      round === 1 ? 'execute the plan' : "revise the draft with the reviewer's findings",
      round === 1 ? `plan of ${planned.plan!.steps.length} step(s); ${input.sources.length} source(s)` : `findings: ${findings.join('; ')}`,
      { sources: input.sources, plan: planned.plan!.steps, findings },
    );
    run.snapshot.facts = executed.facts!;
    recordDraft(run, executed.draft!);
    const reviewed = await roles.hand(
      'reviewer',
      'executor',
      'review the draft',
      `draft sha256 ${executed.draft!.sha256.slice(0, 12)}…, ${executed.facts!.length} fact(s)`,
      {
        markdown: executed.draft!.markdown,
      },
    );
    const review = reviewed.review!;
    if (review.passed)
      roles.handBack(
        'reviewer',
        'approve the report before it is written',
        `reviewed draft sha256 ${executed.draft!.sha256.slice(0, 12)}…`,
      );
    if (review.passed || round === REVIEW_ROUNDS) return { drafted: executed.draft!, review };
    findings = review.findings;
  }
}

function roleBase(
  parentId: string,
  input: Input,
  policyDigest: string | null,
  policy: Policy,
  calls: CallOptions,
  previewLines: number,
): RoleBase {
  return {
    parentId,
    topic: input.topic,
    startedBy: input.startedBy ?? null,
    policy,
    policyDigest,
    previewLines,
    ...(calls.heartbeatTimeoutMs ? { heartbeatTimeoutMs: calls.heartbeatTimeoutMs } : {}),
    ...(calls.execution ? { execution: calls.execution } : {}),
  };
}

function recordPlan(run: RunRecorder, plan: { steps: string[]; provider: string }): void {
  run.state.plan = plan.steps;
  run.state.provider = plan.provider;
  run.event('plan_recorded', { data: { steps: plan.steps, provider: plan.provider } });
}

function recordDraft(run: RunRecorder, drafted: Drafted): void {
  run.snapshot.draft = { markdown: drafted.markdown, sha256: drafted.sha256 };
  run.state.artifacts.draft = { sha256: drafted.sha256, lines: drafted.markdown.split('\n').length, chars: drafted.markdown.length };
}

/**
 * The run's policy: the snapshot in its input; else the worker's default (recorded through an
 * activity, so replay sees the same one); runs from before policies keep the built-in rules.
 */
async function resolvePolicy(run: RunRecorder, input: Input): Promise<{ policy: Policy; digest: string | null }> {
  let policy = BUILTIN_POLICY;
  let digest: string | null = null;
  if (input.policy) {
    policy = input.policy;
    digest = input.policyDigest ?? null;
  } else if (patched('worker-default-policy')) {
    const loaded = await load_default_policy();
    const parsed = Policy.safeParse(loaded.policy);
    if (!parsed.success)
      throw new PolicyDeniedError(`the worker's default policy ${loaded.source} is invalid: ${describeZodError(parsed.error)}`);
    policy = parsed.data;
    digest = loaded.digest;
  }
  run.state.policy = { name: policy.name, digest };
  if (policy !== BUILTIN_POLICY) run.event('policy_applied', { data: { name: policy.name, digest } });
  return { policy, digest };
}

/** The lower of the run's own budget and the policy's; null when neither sets one. */
function tokenBudget(own: number | undefined, policy: Policy): number | null {
  const limits = [own, policy.budget?.maxTotalTokens].filter((n): n is number => n !== undefined);
  return limits.length ? Math.min(...limits) : null;
}

/** <first write root>/<run id>/final_report.md, so a policy's roots are honoured by default. */
function defaultOutputPath(policy: Policy, runId: string): string {
  const root = toolPolicy(policy, 'finalize_report').writeRoots?.[0] ?? '.';
  return [root, runId, REPORT_FILE_NAME].filter((part) => part && part !== '.').join('/');
}
