/** `harness watch ID`: live view until the run pauses for approval or ends; the exit code says which. */
import { watchRun } from '../watch-view';
import { existingRun } from '../../api/runs';
import { withClient } from '../../api/with-client';

export async function watchCommand(id: string, options: { json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    process.exitCode = await watchRun(h, await existingRun(h, id), options);
  });
}
