/** Human-readable renderings of run state; `--json` prints the raw objects instead. */
import type { PendingAction, RunResult, TraceEvent } from '../../shared/run';
import { safeJson } from './terminal';

export function formatPending(pending: PendingAction): string {
  const report = pending.tool === 'finalize_report';
  return [
    `pending tool:   ${pending.tool}${pending.gate ? ` (gate ${pending.gate})` : ''}`,
    `reason:         ${pending.reason}`,
    ...(pending.proposedPath !== undefined ? [`proposed path:  <output root>/${pending.proposedPath}`] : []),
    `digest:         ${pending.digest}`,
    `approvals:      ${pending.approvals.length}/${pending.minApprovals}${pending.approvals.length ? ` (${pending.approvals.map((a) => `${a.approver}${a.signedWith ? ' signed' : ''}`).join(', ')})` : ''}; ${pending.stillNeeded} more needed`,
    ...(pending.signatureRequired ? ['signatures:     required: harness approve|reject --key FILE (unsigned decisions are refused)'] : []),
    `who may:        ${pending.eligibleApprovers ? pending.eligibleApprovers.join(', ') : 'anyone'}${pending.allowSelfApproval ? '' : ' (not the run starter)'}${pending.escalated ? ' (escalated)' : ''}`,
    `expires:        ${pending.expiresAt ?? 'never'}`,
    ...(pending.review ? [`review:         ${pending.review.passed ? 'passed' : 'failed'} (${pending.review.findings.join('; ')})`] : []),
    `${report ? 'draft:    ' : 'arguments:'}      ${pending.preview.lineCount} lines, ${pending.preview.charCount} characters; first lines:`,
    ...pending.preview.firstLines.map((line) => `  | ${line}`),
  ].join('\n');
}

export function formatTraceEvent(e: TraceEvent): string {
  const parts = [`#${e.seq}`, e.at, e.type];
  if (e.tool) parts.push(e.tool);
  if (e.attempt) parts.push(`attempt=${e.attempt}`);
  if (e.message) parts.push(`- ${e.message}`);
  return parts.join(' ');
}

export function formatState(state: RunResult): string {
  const lines = [
    `run:       ${state.runId}`,
    `topic:     ${state.topic}`,
    `status:    ${state.status}${state.currentStep ? ` (step: ${state.currentStep})` : ''}`,
    `provider:  ${state.provider ?? '-'}`,
    `policy:    ${state.policy.name}${state.policy.digest ? ` (sha256 ${state.policy.digest.slice(0, 12)}…)` : ''}${state.startedBy ? `; started by ${state.startedBy}` : ''}`,
  ];
  const usage = state.usage;
  if (usage && (usage.reportedSteps || usage.unreportedSteps || usage.budget)) {
    const unreported = usage.unreportedSteps ? `; ${usage.unreportedSteps} step(s) reported no usage` : '';
    lines.push(
      `tokens:    ${usage.totalTokens} (prompt ${usage.promptTokens}, completion ${usage.completionTokens}) over ${usage.reportedSteps} step(s)${unreported}${usage.budget ? `; budget ${usage.budget}` : ''}`,
    );
  }
  for (const active of state.activeTools ?? []) {
    if (active.paused)
      lines.push(`tool:      ${active.tool} paused by an operator at attempt ${active.attempt} (temporal activity unpause to go on)`);
    else if (active.attempt > 1 || active.lastFailure)
      lines.push(
        `retrying:  ${active.tool} attempt ${active.attempt} of ${active.maximumAttempts || '∞'}${active.lastFailure ? `; last failure: ${active.lastFailure}` : ''}${active.nextAttemptAt ? `; next attempt at ${active.nextAttemptAt}` : ''}`,
      );
  }
  if (state.pausedOn) {
    lines.push(`paused on: ${state.pausedOn.tool} after ${state.pausedOn.attempts} attempt(s): ${state.pausedOn.error}`);
    lines.push(`           harness resume ${state.runId}  |  harness abort ${state.runId} --reason "…"`);
  }
  if (state.plan.length) lines.push('plan:', ...state.plan.map((s, i) => `  ${i + 1}. ${s}`));
  if (state.steps.length) {
    lines.push('steps:');
    for (const s of state.steps) {
      const took = s.durationMs !== undefined ? ` ${s.durationMs} ms` : '';
      lines.push(
        `  ${s.tool.padEnd(16)} ${s.status.padEnd(7)} attempts=${s.attempts}${s.execution ? ` ${s.execution}` : ''}${took}${s.error ? ` - ${s.error}` : ''}`,
      );
    }
  }
  if (state.pendingAction)
    lines.push(
      'pending approval:',
      ...formatPending(state.pendingAction)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  if (state.gates?.length) {
    lines.push('gates:');
    for (const g of state.gates) {
      const who =
        g.outcome === 'approved' ? ` by ${g.approvals.map((a) => a.approver).join(', ')}` : g.decidedBy ? ` by ${g.decidedBy}` : '';
      lines.push(
        `  ${g.gate}. ${g.tool.padEnd(16)} ${g.outcome}${who} (digest ${g.digest.slice(0, 12)}…)${g.reason ? ` - ${g.reason}` : ''}`,
      );
    }
  }
  if (state.decision) {
    const note = state.decision.comment ?? state.decision.reason;
    lines.push(`decision:  ${state.decision.outcome} by ${state.decision.approver}${note ? ` (${note})` : ''}`);
  }
  if (state.artifacts.report)
    lines.push(
      `report:    ${state.artifacts.report.path} (${state.artifacts.report.bytes} bytes, sha256 ${state.artifacts.report.sha256})`,
    );
  if (state.error) lines.push(`error:     ${state.error}`);
  return lines.join('\n');
}

/** Indented JSON; `compact`, one line (the seed harness prints so unless given --pretty). */
export function printJson(value: unknown, { compact = false }: { compact?: boolean } = {}): void {
  process.stdout.write(`${safeJson(value, compact ? 0 : 2)}\n`);
}
