/** `harness pending ID`: the action waiting for approval, if any. */
import { formatPending, printJson } from '../format';
import { existingRun, readState } from '../../api/runs';
import { withClient } from '../../api/with-client';
import { recordSeenDigest } from '../seen-digests';
import { say } from '../terminal';

export async function pendingCommand(id: string, options: { json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    const state = await readState(h, await existingRun(h, id));
    // What is shown here is what a later `harness approve` is pinned to.
    if (state.pendingAction) await recordSeenDigest(h.env.TEMPORAL_ADDRESS, h.env.TEMPORAL_NAMESPACE, id, state.pendingAction.digest);
    if (options.json) printJson(state.pendingAction);
    else if (state.pendingAction) say(`${formatPending(state.pendingAction)}\n`);
    else say(`no pending action (status: ${state.status})\n`);
  });
}
