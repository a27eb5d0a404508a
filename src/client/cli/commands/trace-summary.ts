/** `harness trace-summary ID`: the trace rolled up by event type and by tool. */
import { readEnv } from '../../../config/env';
import { verifiedOnThisMachine } from '../../api/report-file';
import { TraceSummary, traceSummary } from '../../views/trace-summary';
import { printJson } from '../format';
import { RunRef, snapshotOf } from '../read-run';
import { say } from '../terminal';

export async function traceSummaryCommand(ref: RunRef, options: { json?: boolean }): Promise<void> {
  const { snapshot } = await snapshotOf(ref);
  const summary = traceSummary(snapshot, await verifiedOnThisMachine(snapshot.state.artifacts.report, readEnv().HARNESS_OUTPUT_DIR));
  if (options.json) printJson(summary);
  else say(`${formatTraceSummary(summary)}\n`);
}

function formatTraceSummary(s: TraceSummary): string {
  const tokens = (t: TraceSummary['tools'][string]['tokens']) =>
    t.reportedSteps || t.notReportedSteps
      ? `${t.reportedSteps ? `${t.total} tokens (prompt ${t.prompt}, completion ${t.completion})` : ''}${t.reportedSteps && t.notReportedSteps ? '; ' : ''}${t.notReportedSteps ? `${t.notReportedSteps} call(s) not reported` : ''}`
      : '-';
  return [
    `run:      ${s.runId} (${s.status})`,
    `events:   ${s.events} over ${(s.wallClockMs / 1000).toFixed(1)} s: ${Object.entries(s.byEvent)
      .map(([type, n]) => `${type} ${n}`)
      .join(', ')}`,
    'tools:    calls attempts   total ms  avg ms  tokens',
    ...Object.entries(s.tools).map(
      ([tool, r]) =>
        `  ${tool.padEnd(16)} ${String(r.calls).padStart(3)} ${String(r.attempts).padStart(8)} ${String(r.totalMs).padStart(10)} ${String(r.averageMs).padStart(7)}  ${tokens(r.tokens)}`,
    ),
    `latest:   ${s.latestEvent ? `#${s.latestEvent.seq} ${s.latestEvent.type}${s.latestEvent.tool ? ` ${s.latestEvent.tool}` : ''} at ${s.latestEvent.at}` : '-'}`,
    `gate:     ${s.gate.status}${s.gate.gates ? ` (${s.gate.gates} gate(s) opened)` : ''}${s.gate.pendingTool ? `; waiting before ${s.gate.pendingTool}` : ''}`,
    `review:   ${s.review ? `${s.review.passed ? 'passed' : 'failed'}${s.review.findings.length ? ` (${s.review.findings.join('; ')})` : ''}` : 'not yet'}`,
    ...(s.roles
      ? [
          `roles:    ${Object.entries(s.roles.handoffPairs)
            .map(([pair, n]) => `${pair} ${n}`)
            .join(', ')}; now ${s.roles.current ?? '-'}`,
        ]
      : []),
    `report:   ${s.report.written ? `${s.report.path} (${s.report.onThisMachine ? 'present on this machine, sha256 verified' : 'not here as approved'})` : 'not written'}`,
  ].join('\n');
}
