/** `harness resume`, `harness abort`, `harness cancel`: an operator's hand on a paused or unwanted run. */
import { abortUpdate, resumeUpdate } from '../../../shared/messages';
import { printJson } from '../format';
import { identity } from '../identity';
import { describeRun, existingRun, readState, sendUpdate } from '../../api/runs';
import { withClient } from '../../api/with-client';
import { waitFor } from '../../api/wait-for';
import { HarnessError } from '../../api/harness-error';

export async function operateCommand(
  kind: 'resume' | 'abort',
  id: string,
  options: { operator?: string; reason?: string; json?: boolean },
): Promise<void> {
  await withClient(async (h) => {
    const run = await existingRun(h, id);
    const payload = { operator: identity(h.env, options.operator), reason: options.reason };
    const outcome = await sendUpdate(h, run, kind === 'resume' ? resumeUpdate : abortUpdate, payload);
    if (options.json) printJson({ workflowId: id, action: kind, ...outcome });
    else process.stdout.write(`${id}: ${outcome.message}\n`);
  });
}

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
    else process.stdout.write(`${id}: ${state.status}${state.status === 'completed' ? ' (the approved write had already started)' : ''}\n`);
  });
}
