/** `harness status ID`: the run's whole state. */
import { formatState, printJson } from '../format';
import { RunRef, stateOf } from '../read-run';
import { rememberShownDigest } from '../seen-digests';
import { say } from '../terminal';

export async function statusCommand(ref: RunRef, options: { json?: boolean }): Promise<void> {
  const { state, live } = await stateOf(ref);
  if (live) await rememberShownDigest(state);
  if (options.json) printJson(state);
  else say(`${formatState(state)}\n`);
}
