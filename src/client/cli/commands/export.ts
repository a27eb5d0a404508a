/** `harness export ID [--dir D]`: the run as files in the seed's layout, readable later with `--from`. */
import { readEnv } from '../../../config/env';
import { verifiedOnThisMachine } from '../../api/report-file';
import { writeExport } from '../../api/run-export';
import { printJson } from '../format';
import { RunRef, snapshotOf } from '../read-run';
import { say } from '../terminal';

export async function exportCommand(ref: RunRef, options: { dir?: string; json?: boolean }): Promise<void> {
  const { snapshot } = await snapshotOf(ref);
  const outputRoot = readEnv().HARNESS_OUTPUT_DIR;
  const reportHere = await verifiedOnThisMachine(snapshot.state.artifacts.report, outputRoot);
  const folder = await writeExport(snapshot, options.dir ?? outputRoot, reportHere);
  if (options.json) printJson({ runId: snapshot.state.runId, status: snapshot.state.status, folder });
  else say(`exported ${snapshot.state.runId} (${snapshot.state.status}) to ${folder}\n`);
}
