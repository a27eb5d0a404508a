/** `harness watch ID`: live view until the run pauses for approval or ends; the exit code says which. */
import { followRun } from '../follow-run';
import { existingRun } from '../runs';
import { withClient } from '../with-client';

export async function watchCommand(id: string, options: { json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    process.exitCode = await followRun(h, await existingRun(h, id), options);
  });
}
