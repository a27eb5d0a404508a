/** `harness inspect ID`: everything kept of a run, as JSON (the seed's inspect; what export writes as state.json). */
import { printJson } from '../format';
import { RunRef, snapshotOf } from '../read-run';

export async function inspectCommand(ref: RunRef): Promise<void> {
  printJson((await snapshotOf(ref)).snapshot);
}
