/**
 * The seed harness's `--runs-dir D` on a command that moves a run (start, approve, resume,
 * interactive): the seed keeps each run as files in `D/<id>/` and rewrites them as the run moves.
 * Here the run lives in Temporal, and the command writes the same files there once the run stops
 * (at a gate, paused, or ended), so a seed user's scripts and `--runs-dir` reads find them.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { HarnessClient } from '../api/connect';
import { followRun } from '../api/follow-run';
import { verifiedOnThisMachine } from '../api/report-file';
import { writeExport } from '../api/run-export';
import { readSnapshot } from '../api/runs';
import { warn } from './terminal';

export async function keepInRunsDir(h: HarnessClient, run: WorkflowHandle, dir: string, { followed = false } = {}): Promise<void> {
  if (!followed) for await (const _update of followRun(h, run));
  const snapshot = await readSnapshot(h, run);
  const folder = await writeExport(snapshot, dir, await verifiedOnThisMachine(snapshot.state.artifacts.report, h.env.HARNESS_OUTPUT_DIR));
  warn(`${snapshot.state.status}: the run's files are in ${folder}\n`);
}
