/** `harness summary ID`: where the run stands, who must act, and the exact commands that move it on. */
import { runSummary, RunSummary } from '../../views/summary';
import { printJson } from '../format';
import { RunRef, snapshotOf } from '../read-run';
import { say } from '../terminal';

export async function summaryCommand(ref: RunRef, options: { json?: boolean }): Promise<void> {
  const summary = runSummary((await snapshotOf(ref)).snapshot);
  if (options.json) printJson(summary);
  else say(`${formatSummary(summary)}\n`);
}

function formatSummary(s: RunSummary): string {
  const { approval: a, events: e } = s;
  const byTool = Object.entries(s.attemptsByTool)
    .map(([tool, n]) => `${tool} ${n}`)
    .join(', ');
  return [
    `run:        ${s.runId}`,
    `topic:      ${s.topic}`,
    `status:     ${s.status}${s.currentStep ? ` (step: ${s.currentStep})` : ''}`,
    `started:    ${s.startedAt ?? '-'}${s.startedBy ? ` by ${s.startedBy}` : ''}; last event ${s.lastEventAt ?? '-'}`,
    a.required
      ? `approval:   required for ${a.tool} (digest ${a.digest?.slice(0, 12)}…): ${a.stillNeeded} more from ${a.eligibleApprovers ? a.eligibleApprovers.join(', ') : 'anyone the policy allows'}${a.expiresAt ? `; expires ${a.expiresAt}` : ''}`
      : 'approval:   not required now',
    `attempts:   ${s.totalAttempts} over ${s.steps} step(s)${byTool ? ` (${byTool})` : ''}`,
    `events:     ${e.pauses} pause(s), ${e.resumes} resume(s), ${e.approvals} approval(s) (${e.gatesApproved} gate(s) passed), ${e.refusals} refusal(s), ${e.rejections} rejection(s)`,
    // A research run writes a report; another workflow shows its own recorded part, if any.
    ...(s.workflowType === 'researchRun' || s.report
      ? [`report:     ${s.report ? `${s.report.path} (${s.report.bytes} bytes, sha256 ${s.report.sha256})` : 'not written'}`]
      : [`workflow:   ${s.workflowType}${s.data ? `; recorded ${JSON.stringify(s.data).slice(0, 200)}` : ''}`]),
    ...(s.roles
      ? [
          `roles:      ${s.roles.seen.join(', ')}; ${s.roles.handoffs} handoff(s); now ${s.roles.current ?? '-'} (harness handoffs ${s.runId})`,
        ]
      : []),
    ...(s.lastError ? [`last error: ${s.lastError}`] : []),
    'next:',
    ...s.nextCommands.map((c) => `  ${c}`),
  ].join('\n');
}
