/**
 * The run's "current details" for Temporal Web (markdown, refreshed at every trace event): what
 * the run is doing or waiting for, and for a gate who may decide, how many approvals it has and
 * still needs, when it expires and the digest to pin. Pure: the workflow and the tests call it.
 */
import type { RunState } from './run';

const list = (names: string[]) => (names.length ? names.map((n) => `\`${n}\``).join(', ') : 'none yet');

export function runDetails(state: RunState): string {
  const lines = [`**${state.status.replace(/_/g, ' ')}** · ${state.topic}`];
  const pending = state.pendingAction;
  if (state.status === 'waiting_approval' && pending) {
    lines.push(
      '',
      `**Gate ${pending.gate ?? 1}: ${pending.tool}**: ${pending.reason}`,
      '',
      `- approvals: ${pending.approvals.length} of ${pending.minApprovals} (${list(pending.approvals.map((a) => a.approver))}), ${pending.stillNeeded} still needed`,
      `- who may approve: ${pending.eligibleApprovers ? list(pending.eligibleApprovers) : 'anyone'}${pending.escalated ? ' (escalated)' : ''}`,
      `- expires: ${pending.expiresAt ?? 'never'}`,
      `- digest: \`${pending.digest.slice(0, 12)}\``,
      '',
      `\`harness approve ${state.runId} --digest ${pending.digest.slice(0, 12)}\` or \`harness reject ${state.runId}\``,
    );
  } else if (state.status === 'paused_on_error' && state.pausedOn) {
    const { tool, attempts, error } = state.pausedOn;
    lines.push(
      '',
      `**Paused on ${tool}** after ${attempts} attempt(s): ${error}`,
      '',
      `\`harness resume ${state.runId}\` or \`harness abort ${state.runId}\``,
    );
  } else if (state.status === 'running') {
    const done = state.steps.filter((s) => s.status === 'ok').length;
    lines.push('', `step: ${state.currentStep ?? 'starting'} · ${done} tool call(s) done`);
  } else {
    const report = state.artifacts.report;
    lines.push('', state.error ? `error: ${state.error}` : report ? `report: ${report.path}` : `${state.steps.length} tool call(s)`);
  }
  lines.push('', `policy: ${state.policy.name}${state.policy.digest ? ` (${state.policy.digest.slice(0, 12)})` : ''}`);
  return lines.join('\n');
}
