/** `harness cancel`: Temporal cancellation of an unwanted run; nothing is written. */
import { HarnessError } from '../../api/harness-error';
import { describeRun, readState } from '../../api/runs';
import { waitFor } from '../../api/wait-for';
import { withClient } from '../../api/with-client';
import { printJson } from '../format';
import { say } from '../terminal';

/** Temporal cancellation: the run records `cancelled` and writes nothing (an approved write in progress completes). */
export async function cancelCommand(id: string, options: { json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    const { run, description } = await describeRun(h, id);
    if (description.status.name !== 'RUNNING')
      throw new HarnessError(`run ${id} has already ended (${description.status.name.toLowerCase()})`);
    await run.cancel();
    const state = await waitFor(
      async () => {
        const s = await readState(h, run);
        return s.status === 'cancelled' || s.status === 'completed' ? s : null;
      },
      { timeoutMs: 30_000, what: `run ${id} to record the cancellation` },
    );
    if (options.json) printJson({ workflowId: id, status: state.status });
    else say(`${id}: ${state.status}${state.status === 'completed' ? ' (the approved write had already started)' : ''}\n`);
  });
}
