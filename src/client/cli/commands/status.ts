/** `harness status ID`: the run's whole state. */
import { formatState, printJson } from '../format';
import { existingRun, readState } from '../../api/runs';
import { withClient } from '../../api/with-client';
import { say } from '../terminal';

export async function statusCommand(id: string, options: { json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    const state = await readState(h, await existingRun(h, id));
    if (options.json) printJson(state);
    else say(`${formatState(state)}\n`);
  });
}
