/**
 * The research run: plan → search → extract → draft → review → approval gate → finalize,
 * under the policy snapshot in its input. A tool that fails for good pauses the run for an
 * operator; cancellation ends it as `cancelled` with nothing written.
 */
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { REPORT_FILE_NAME } from '../shared/constants';
import { pendingQuery, stateQuery, traceQuery } from '../shared/messages';
import { BUILTIN_POLICY, CallFacts, evaluateToolCall, Policy, toolPolicy } from '../shared/policy';
import { RunInput, RunOptions, RunResult } from '../shared/run';
import { describeZodError, HarnessActivities, TokenUsage, ToolInput, ToolName, ToolOutput } from '../shared/tools';
import { ApprovalGate } from './approval-gate';
import { callTool, CallOptions, ToolFailedError } from './call-tool';
import { installOperatorControl } from './operator-control';
import { RunRecorder } from './run-recorder';

/** Ends the run as failed when the policy refuses a call: before any side effect. */
class PolicyDeniedError extends Error {}

// Short: it returns the policy the worker loaded at start, and a lost attempt must be retried quickly.
const { load_default_policy } = proxyActivities<HarnessActivities>({ startToCloseTimeout: '5s', retry: { maximumAttempts: 10 } });

export async function researchRun(rawInput: RunInput): Promise<RunResult> {
  const { workflowId } = workflowInfo();
  const rawTopic = typeof rawInput?.topic === 'string' ? rawInput.topic : '';
  const startedBy = typeof rawInput?.startedBy === 'string' ? rawInput.startedBy : null;
  const run = new RunRecorder(workflowId, rawTopic, startedBy);

  setHandler(stateQuery, () => run.state, { description: 'The whole run state, trace included.' });
  setHandler(traceQuery, () => run.state.trace, { description: 'Trace events in order.' });
  setHandler(pendingQuery, () => run.state.pendingAction, { description: 'The action waiting for approval, or null.' });
  const pauseForOperator = installOperatorControl(run);

  const parsed = RunInput.safeParse(rawInput);
  run.event('run_created', { data: { workflowType: 'researchRun', valid: parsed.success } });
  run.setStatus('running');
  if (!parsed.success) {
    const message = `invalid run input: ${describeZodError(parsed.error)}`;
    run.fail(message);
    throw ApplicationFailure.nonRetryable(message, 'InvalidRunInput');
  }
  const input = parsed.data;
  const options = RunOptions.parse(input.options ?? {});
  const calls: CallOptions = { heartbeatTimeoutMs: options.heartbeatTimeoutMs, onFailure: pauseForOperator };

  // Handlers exist before the first await, so an early decision is refused rather than lost.
  const gate = new ApprovalGate({
    run,
    policy: BUILTIN_POLICY,
    startedBy: startedBy ?? 'unknown',
    topic: input.topic,
    previewLines: options.previewLines,
    callOptions: calls,
  });

  try {
    const policy = await resolvePolicy(run, input);
    gate.usePolicy(policy);
    const budget = tokenBudget(options.tokenBudget, policy);
    run.state.usage.budget = budget;
    let budgetWaived = false;

    /** Past the budget the run pauses: resume lets it go on (the operator accepts the cost), abort fails it. */
    const account = async (tool: ToolName, usage: TokenUsage | null | undefined) => {
      if (usage === undefined) return; // no model was called
      run.recordUsage(tool, usage);
      const used = run.state.usage.totalTokens;
      if (budget === null || budgetWaived || used <= budget) return;
      const reason = `token budget exceeded: ${used} of ${budget} tokens used`;
      if ((await pauseForOperator(tool, reason, 1)) === 'abort') throw new ToolFailedError(`${reason} (aborted by an operator)`);
      budgetWaived = true;
    };

    const guarded = async <N extends ToolName>(name: N, args: ToolInput<N>, facts: Partial<CallFacts> = {}): Promise<ToolOutput<N>> => {
      const verdict = evaluateToolCall(policy, name, { topic: input.topic, ...facts });
      if (!verdict.allowed) {
        run.event('policy_denied', { tool: name, message: verdict.reason, data: { policy: policy.name } });
        throw new PolicyDeniedError(`policy "${policy.name}" denied ${name}: ${verdict.reason}`);
      }
      const output = await callTool(run, name, args, calls);
      if ('usage' in output) await account(name, output.usage);
      return output;
    };

    const plan = await guarded('plan_run', { topic: input.topic, sourceTitles: input.sources.map((s) => s.title) });
    run.state.plan = plan.steps;
    run.state.provider = plan.provider;
    run.event('plan_recorded', { data: { steps: plan.steps, provider: plan.provider } });

    const { matches } = await guarded('search_sources', { topic: input.topic, sources: input.sources });
    const { facts } = await guarded('extract_facts', { matches });
    const drafted = await guarded('draft_report', { topic: input.topic, plan: plan.steps, facts });
    run.state.artifacts.draft = { sha256: drafted.sha256, lines: drafted.markdown.split('\n').length, chars: drafted.markdown.length };

    const review = await guarded('review_draft', { topic: input.topic, markdown: drafted.markdown });
    run.state.findings = review.findings;
    run.event('draft_reviewed', { data: { passed: review.passed, findings: review.findings } });
    if (!review.passed) {
      const message = `review failed: ${review.findings.join('; ')}`;
      run.fail(message);
      throw ApplicationFailure.nonRetryable(message, 'ReviewFailed');
    }

    const outputPath = options.outputPath ?? defaultOutputPath(policy, workflowId);
    const finalizeVerdict = evaluateToolCall(policy, 'finalize_report', { topic: input.topic, outputPath });
    if (!finalizeVerdict.allowed) {
      run.event('policy_denied', { tool: 'finalize_report', message: finalizeVerdict.reason, data: { policy: policy.name, outputPath } });
      throw new PolicyDeniedError(`policy "${policy.name}" denied finalize_report: ${finalizeVerdict.reason}`);
    }

    let approved = { markdown: drafted.markdown, digest: drafted.sha256 };
    if (finalizeVerdict.approvalRequired) {
      const { decision, draft } = await gate.decide(approved, review, outputPath);
      run.state.decision = decision;
      run.state.pendingAction = null;
      if (decision.outcome === 'rejected') {
        run.event('approval_rejected', { message: decision.reason, data: { approver: decision.approver } });
        run.state.currentStep = null;
        run.setStatus('rejected');
        return resultOf(run);
      }
      approved = draft;
      run.event('approval_granted', {
        data: { approver: decision.approver, comment: decision.comment, approvals: decision.approvals, digest: draft.digest },
      });
      run.setStatus('running');
    }

    // Once approved, the write is not cancellable: it either happens exactly as approved or not at all.
    const report = await CancellationScope.nonCancellable(() =>
      callTool(
        run,
        'finalize_report',
        { runId: workflowId, markdown: approved.markdown, sha256: approved.digest, relativePath: outputPath },
        calls,
      ),
    );
    run.state.artifacts.report = report;
    run.state.currentStep = null;
    run.setStatus('completed');
    run.event('run_completed', { data: { path: report.path, sha256: report.sha256 } });
    return resultOf(run);
  } catch (err) {
    if (isCancellation(err)) {
      run.close('cancelled', 'cancelled through Temporal; nothing was written');
      throw err;
    }
    if (err instanceof ToolFailedError || err instanceof PolicyDeniedError) {
      run.fail(err.message);
      throw ApplicationFailure.nonRetryable(err.message, err instanceof PolicyDeniedError ? 'PolicyDenied' : 'ToolFailed');
    }
    throw err;
  }
}

/**
 * The run's policy: the snapshot in its input; else the worker's default (recorded through an
 * activity, so replay sees the same one); runs from before policies keep the built-in rules.
 */
async function resolvePolicy(run: RunRecorder, input: ReturnType<typeof RunInput.parse>): Promise<Policy> {
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
  return policy;
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

function resultOf(run: RunRecorder): RunResult {
  const { trace: _trace, ...result } = run.state;
  return result;
}
