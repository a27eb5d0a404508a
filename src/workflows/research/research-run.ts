/**
 * The research run: plan → search → extract → draft → review → finalize, each tool through the
 * one tool path (policy, gate when required, call, accounting) under the policy snapshot in its
 * input. A tool that fails for good pauses the run for an operator; a rejected gate ends it
 * `rejected`; cancellation ends it `cancelled` with nothing written.
 */
import { patched } from '@temporalio/workflow';
import { REPORT_FILE_NAME } from '../../shared/constants';
import { Policy, toolModesOf, toolPolicy } from '../../shared/policy';
import { previewOf, RunInput, RunOptions, RunResult } from '../../shared/run';
import { describeZodError } from '../../shared/tool-contract';
import { TOOLS } from '../../shared/tools';
import { undecodableReason } from '../../shared/undecodable';
import { CallOptions } from '../kernel/call-tool';
import { harnessRun, RunKernel } from '../kernel/harness-run';
import type { RunRecorder } from '../kernel/run-recorder';
import type { ToolPath } from '../kernel/tool-path';
import { RoleBase, RoleRunner } from './role-runner';

type Input = ReturnType<typeof RunInput.parse>;

export async function researchRun(rawInput: RunInput): Promise<RunResult> {
  return harnessRun(
    rawInput,
    {
      workflowType: 'researchRun',
      describe: (raw) => {
        const loose = raw as RunInput | undefined;
        const options = RunOptions.safeParse(loose?.options ?? {});
        return {
          topic: typeof loose?.topic === 'string' ? loose.topic : '',
          startedBy: typeof loose?.startedBy === 'string' ? loose.startedBy : null,
          previewLines: options.success ? options.data.previewLines : 12,
        };
      },
      parse: (raw) => {
        const parsed = RunInput.safeParse(raw);
        if (parsed.success) return { ok: true, input: parsed.data };
        return { ok: false, message: `invalid run input: ${undecodableReason(raw) ?? describeZodError(parsed.error)}` };
      },
      invalidInputType: 'InvalidRunInput',
      callOptions: (shape, raw) => {
        const options = RunOptions.safeParse((raw as RunInput | undefined)?.options ?? {});
        const calls: CallOptions = {
          heartbeatTimeoutMs: options.success ? options.data.heartbeatTimeoutMs : undefined,
          serverRetries: shape.has('server-retries'),
          checkedResults: shape.has('checked-results'),
        };
        // Asked here, where every run has asked it (a patch's marker keeps its place); the body reads the answer.
        shape.has('local-tools');
        return calls;
      },
      completed: (report) => ({ data: { path: report.path, sha256: report.sha256 } }),
    },
    research,
  );
}

/** The research itself: the policy, the steps (in one loop or by roles), the review, then the gated write. */
async function research(input: Input, kernel: RunKernel) {
  const { run, calls, workflowId, previewLines } = kernel;
  run.snapshot.sources = input.sources;
  // Runs from before local tools keep every tool remote; the modes themselves need the policy.
  const localTools = kernel.shape.has('local-tools');
  const { policy, digest } = await kernel.resolvePolicy(input, 'worker-default');
  if (localTools) calls.execution = toolModesOf(policy, input.options?.execution);
  const budget = tokenBudget(input.options?.tokenBudget, policy);
  run.state.usage.budget = budget;
  const tools = kernel.toolPath({ topic: input.topic, budget });

  // Multi-role runs (a new option, so never in an earlier history) record the patch; single-loop runs do not.
  const { drafted, review } =
    input.options?.multiAgent && patched('multi-role')
      ? await byRoles(
          new RoleRunner(run, kernel.control, roleBase(workflowId, input, digest, policy, calls, previewLines), budget),
          run,
          input,
        )
      : await inOneLoop(tools, run, input);
  run.state.findings = review.findings;
  run.event('draft_reviewed', { data: { passed: review.passed, findings: review.findings } });
  if (!review.passed) kernel.fail(`review failed: ${review.findings.join('; ')}`, 'ReviewFailed');

  const outputPath = input.options?.outputPath ?? defaultOutputPath(policy, workflowId);
  const report = await tools.call(
    TOOLS.finalize_report,
    { runId: workflowId, markdown: drafted.markdown, sha256: drafted.sha256, relativePath: outputPath },
    {},
    {
      digest: drafted.sha256,
      preview: previewOf(drafted.markdown, previewLines),
      proposedPath: outputPath,
      review: { passed: review.passed, findings: review.findings },
      onEdited: (edited) => recordDraft(run, edited, 'approver'),
    },
  );
  run.state.artifacts.report = report;
  return report;
}

type Drafted = { markdown: string; sha256: string };
type Reviewed = { passed: boolean; findings: string[] };

/** The single loop: every step a tool call of this workflow, in order. */
async function inOneLoop(tools: ToolPath, run: RunRecorder, input: Input): Promise<{ drafted: Drafted; review: Reviewed }> {
  const plan = await tools.call(TOOLS.plan_run, { topic: input.topic, sourceTitles: input.sources.map((s) => s.title) });
  recordPlan(run, plan);
  const { matches } = await tools.call(TOOLS.search_sources, { topic: input.topic, sources: input.sources });
  const { facts } = await tools.call(TOOLS.extract_facts, { matches });
  run.snapshot.facts = facts;
  const drafted = await tools.call(TOOLS.draft_report, { topic: input.topic, plan: plan.steps, facts });
  recordDraft(run, drafted);
  const review = await tools.call(TOOLS.review_draft, { topic: input.topic, markdown: drafted.markdown });
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

/** The run's draft; `by: 'approver'` for an edit at the gate, which leaves `drafted` (what the run's own tools wrote) as it was. */
function recordDraft(run: RunRecorder, drafted: Drafted, by: 'run' | 'approver' = 'run'): void {
  run.snapshot.draft = { markdown: drafted.markdown, sha256: drafted.sha256 };
  if (by === 'run') run.snapshot.drafted = run.snapshot.draft;
  run.state.artifacts.draft = { sha256: drafted.sha256, lines: drafted.markdown.split('\n').length, chars: drafted.markdown.length };
}

/** The lower of the run's own budget and the policy's; null when neither sets one. */
function tokenBudget(own: number | undefined, policy: Policy): number | null {
  const limits = [own, policy.budget?.maxTotalTokens].filter((n): n is number => n !== undefined);
  return limits.length ? Math.min(...limits) : null;
}

/** <first write root>/<run id>/final_report.md, so a policy's roots are honoured by default. */
export function defaultOutputPath(policy: Policy, runId: string): string {
  const root = toolPolicy(policy, 'finalize_report').writeRoots?.[0] ?? '.';
  return [root, runId, REPORT_FILE_NAME].filter((part) => part && part !== '.').join('/');
}
