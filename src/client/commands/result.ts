/** `harness result ID`: waits for the run to end; the exit code tells how it ended. */
import { WorkflowFailedError } from '@temporalio/client';
import { CliError } from '../cli-error';
import { formatState, printJson } from '../format';
import { existingRun } from '../runs';
import { withClient } from '../with-client';

/** Exit codes: 0 completed, 1 failed (or any error), 3 rejected. */
export const REJECTED_EXIT_CODE = 3;

export async function resultCommand(id: string, options: { json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    const run = await existingRun(h, id);
    try {
      const result = await run.result();
      if (options.json) printJson(result);
      else process.stdout.write(`${formatState(result)}\n`);
      if (result.status === 'rejected') process.exitCode = REJECTED_EXIT_CODE;
    } catch (err) {
      if (err instanceof WorkflowFailedError) throw new CliError(`run ${id} failed: ${err.cause?.message ?? err.message}`);
      throw err;
    }
  });
}
