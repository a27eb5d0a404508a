/** `harness result ID`: waits for the run to end; the exit code tells how it ended. */
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { HarnessError } from '../../api/harness-error';
import { EXIT_CODES } from '../exit-codes';
import { formatState, printJson } from '../format';
import { existingRun } from '../../api/runs';
import { withClient } from '../../api/with-client';
import { say } from '../terminal';

export async function resultCommand(id: string, options: { json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    const run = await existingRun(h, id);
    try {
      const result = await run.result();
      if (options.json) printJson(result);
      else say(`${formatState(result)}\n`);
      process.exitCode = EXIT_CODES[result.status as keyof typeof EXIT_CODES];
    } catch (err) {
      if (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) {
        throw new HarnessError(`run ${id} was cancelled; nothing was written`, EXIT_CODES.cancelled);
      }
      if (err instanceof WorkflowFailedError) throw new HarnessError(`run ${id} failed: ${err.cause?.message ?? err.message}`);
      throw err;
    }
  });
}
