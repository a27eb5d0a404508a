/** `harness pending ID`: the action waiting for approval, if any (`--full`: all of it, as `harness draft`). */
import { formatPending, printJson } from '../format';
import { RunRef, stateOf } from '../read-run';
import { rememberShownDigest } from '../seen-digests';
import { say } from '../terminal';
import { draftCommand } from './draft';

export async function pendingCommand(ref: RunRef, options: { json?: boolean; full?: boolean }): Promise<void> {
  if (options.full) return draftCommand(ref, options);
  const { state, live } = await stateOf(ref);
  if (live) await rememberShownDigest(state);
  if (options.json) printJson(state.pendingAction);
  else if (state.pendingAction) say(`${formatPending(state.pendingAction)}\n`);
  else say(`no pending action (status: ${state.status})\n`);
}
