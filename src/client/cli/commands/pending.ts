/** `harness pending ID`: the action waiting for approval, if any. */
import { formatPending, printJson } from '../format';
import { existingRun, readState } from '../../api/runs';
import { withClient } from '../../api/with-client';
import { say } from '../terminal';

export async function pendingCommand(id: string, options: { json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    const state = await readState(h, await existingRun(h, id));
    if (options.json) printJson(state.pendingAction);
    else if (state.pendingAction) say(`${formatPending(state.pendingAction)}\n`);
    else say(`no pending action (status: ${state.status})\n`);
  });
}
