/** The research run: plan → search → extract → draft → review → approval gate → finalize. */
import { ApplicationFailure, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  APPROVE_DESCRIPTION,
  approveSignal,
  pendingQuery,
  REJECT_DESCRIPTION,
  rejectSignal,
  stateQuery,
  traceQuery,
} from '../shared/messages';
import { REPORT_FILE_NAME } from '../shared/constants';
import { ApprovePayload, Decision, previewOf, RejectPayload, RunInput, RunOptions, RunResult } from '../shared/run';
import { describeZodError } from '../shared/tools';
import { callTool, ToolFailedError } from './call-tool';
import { RunRecorder } from './run-recorder';

export async function researchRun(rawInput: RunInput): Promise<RunResult> {
  const { workflowId } = workflowInfo();
  const rawTopic = typeof rawInput?.topic === 'string' ? rawInput.topic : '';
  const run = new RunRecorder(workflowId, rawTopic);
  let decision: Decision | null = null;

  setHandler(stateQuery, () => run.state, { description: 'The whole run state, trace included.' });
  setHandler(traceQuery, () => run.state.trace, { description: 'Trace events in order.' });
  setHandler(pendingQuery, () => run.state.pendingAction, { description: 'The action waiting for approval, or null.' });

  /** A refused decision is recorded, never thrown: a bad payload must not fail a workflow task. */
  const refuse = (signal: string, message: string) => run.event('approval_refused', { message, data: { signal } });
  const notPending = () =>
    run.state.status === 'waiting_approval' && decision === null ? null : `no decision is pending (status: ${run.state.status})`;

  setHandler(
    approveSignal,
    (raw) => {
      const parsed = ApprovePayload.safeParse(raw ?? {});
      if (!parsed.success) return refuse('approve', `invalid payload: ${describeZodError(parsed.error)}`);
      const blocked = notPending();
      if (blocked) return refuse('approve', blocked);
      const { approver = 'anonymous', comment, digest } = parsed.data;
      if (digest && digest !== run.state.pendingAction?.digest) {
        return refuse('approve', `digest ${digest.slice(0, 12)}… does not match the pending draft`);
      }
      decision = { outcome: 'approved', approver, comment, at: run.now() };
    },
    { description: APPROVE_DESCRIPTION },
  );
  setHandler(
    rejectSignal,
    (raw) => {
      const parsed = RejectPayload.safeParse(raw ?? {});
      if (!parsed.success) return refuse('reject', `invalid payload: ${describeZodError(parsed.error)}`);
      const blocked = notPending();
      if (blocked) return refuse('reject', blocked);
      const { approver = 'anonymous', reason } = parsed.data;
      decision = { outcome: 'rejected', approver, reason, at: run.now() };
    },
    { description: REJECT_DESCRIPTION },
  );

  const parsed = RunInput.safeParse(rawInput);
  run.event('run_created', { data: { workflowType: 'researchRun', valid: parsed.success } });
  run.setStatus('running');
  if (!parsed.success) {
    const message = `invalid run input: ${describeZodError(parsed.error)}`;
    run.fail(message);
    throw ApplicationFailure.nonRetryable(message, 'InvalidRunInput');
  }
  const { topic, sources } = parsed.data;
  const options = RunOptions.parse(parsed.data.options ?? {});
  const call = { heartbeatTimeoutMs: options.heartbeatTimeoutMs };

  try {
    const plan = await callTool(run, 'plan_run', { topic, sourceTitles: sources.map((s) => s.title) }, call);
    run.state.plan = plan.steps;
    run.state.provider = plan.provider;
    run.event('plan_recorded', { data: { steps: plan.steps, provider: plan.provider } });

    const { matches } = await callTool(run, 'search_sources', { topic, sources }, call);
    const { facts } = await callTool(run, 'extract_facts', { matches }, call);
    const draft = await callTool(run, 'draft_report', { topic, plan: plan.steps, facts }, call);
    const preview = previewOf(draft.markdown, options.previewLines);
    run.state.artifacts.draft = { sha256: draft.sha256, lines: preview.lineCount, chars: preview.charCount };

    const review = await callTool(run, 'review_draft', { topic, markdown: draft.markdown }, call);
    run.state.findings = review.findings;
    run.event('draft_reviewed', { data: { passed: review.passed, findings: review.findings } });
    if (!review.passed) {
      const message = `review failed: ${review.findings.join('; ')}`;
      run.fail(message);
      throw ApplicationFailure.nonRetryable(message, 'ReviewFailed');
    }

    run.state.currentStep = 'approval';
    run.state.pendingAction = {
      tool: 'finalize_report',
      reason: 'finalize_report writes to the filesystem (risky, filesystem_write) and needs a human approval.',
      proposedPath: `${workflowId}/${REPORT_FILE_NAME}`,
      preview,
      review: { passed: review.passed, findings: review.findings },
      digest: draft.sha256,
      requestedAt: run.now(),
    };
    run.setStatus('waiting_approval');
    run.event('approval_required', { tool: 'finalize_report', data: { digest: draft.sha256 } });

    await condition(() => decision !== null);
    const granted = decision as unknown as Decision;
    run.state.decision = granted;
    run.state.pendingAction = null;

    if (granted.outcome === 'rejected') {
      run.event('approval_rejected', { message: granted.reason, data: { approver: granted.approver } });
      run.state.currentStep = null;
      run.setStatus('rejected');
      return resultOf(run);
    }

    run.event('approval_granted', { data: { approver: granted.approver, comment: granted.comment } });
    run.setStatus('running');
    const report = await callTool(run, 'finalize_report', { runId: workflowId, markdown: draft.markdown, sha256: draft.sha256 }, call);
    run.state.artifacts.report = report;
    run.state.currentStep = null;
    run.setStatus('completed');
    run.event('run_completed', { data: { path: report.path, sha256: report.sha256 } });
    return resultOf(run);
  } catch (err) {
    if (err instanceof ToolFailedError) {
      run.fail(err.message);
      throw ApplicationFailure.nonRetryable(err.message, 'ToolFailed');
    }
    throw err;
  }
}

function resultOf(run: RunRecorder): RunResult {
  const { trace: _trace, ...result } = run.state;
  return result;
}
