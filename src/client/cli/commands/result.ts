/** `harness result ID`: waits for the run to end; the exit code tells how it ended. */
import { CancelledFailure, TerminatedFailure, TimeoutFailure, WorkflowFailedError } from '@temporalio/client';
import { HarnessError } from '../../api/harness-error';
import { EXIT_CODES } from '../exit-codes';
import { formatState, printJson } from '../format';
import { hasWorkflowPollers } from '../../api/decide';
import { describeRun } from '../../api/runs';
import { withClient } from '../../api/with-client';
import { say, warn } from '../terminal';

const RESULT_HINT_AFTER_MS = 5_000;

export async function resultCommand(id: string, options: { json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    const { run, description } = await describeRun(h, id);
    // A run without a worker cannot finish: say so after a few seconds rather than wait in silence.
    const hint = setTimeout(() => {
      void hasWorkflowPollers(h, description.taskQueue).then(
        (polled) => {
          if (!polled)
            warn(
              `harness: no worker polls task queue ${description.taskQueue}; run ${id} waits until one does (HARNESS_TASK_QUEUE=${description.taskQueue} harness worker)\n`,
            );
        },
        () => undefined,
      );
    }, RESULT_HINT_AFTER_MS);
    try {
      const result = await run.result();
      if (options.json) printJson(result);
      else say(`${formatState(result)}\n`);
      process.exitCode = EXIT_CODES[result.status as keyof typeof EXIT_CODES];
    } catch (err) {
      if (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) {
        throw new HarnessError(`run ${id} was cancelled; nothing was written`, EXIT_CODES.cancelled);
      }
      if (err instanceof WorkflowFailedError && err.cause instanceof TerminatedFailure) {
        throw new HarnessError(`run ${id} was terminated by the server: ${err.cause.message || 'no reason given'}`, EXIT_CODES.terminated);
      }
      if (err instanceof WorkflowFailedError && err.cause instanceof TimeoutFailure) {
        throw new HarnessError(`run ${id} timed out on the server`, EXIT_CODES.timed_out);
      }
      if (err instanceof WorkflowFailedError) throw new HarnessError(`run ${id} failed: ${err.cause?.message ?? err.message}`);
      throw err;
    } finally {
      clearTimeout(hint);
    }
  });
}
