/** `harness handoffs ID`: who handed what to whom in a multi-role run, and the role at work now. */
import { runHandoffs } from '../../views/handoffs';
import { printJson } from '../format';
import { RunRef, snapshotOf } from '../read-run';
import { say } from '../terminal';

export async function handoffsCommand(ref: RunRef, options: { json?: boolean }): Promise<void> {
  const view = runHandoffs((await snapshotOf(ref)).snapshot);
  if (options.json) return printJson(view);
  if (view.runMode === 'single') return say(`run ${view.runId} ran in single-role mode: one workflow, no role handoffs recorded\n`);
  say(
    [
      `run:     ${view.runId} (multi-role; current role: ${view.currentRole ?? '-'})`,
      ...view.handoffs.map(
        (h) =>
          `#${h.seq} ${h.from} → ${h.to}: ${h.purpose} [${h.summary}]${h.childId ? ` child ${h.childId}` : ''} ${h.startedAt}${h.endedAt ? ` → ${h.endedAt}` : ' (running)'}`,
      ),
    ].join('\n') + '\n',
  );
}
