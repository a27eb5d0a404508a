/**
 * One log line per status change of a run, through the workflow logger: the SDK adds the workflow
 * id, run id and type, and drops the line while the workflow replays, so a run rebuilt on another
 * worker (or after eviction) never logs its past again.
 */
import { log } from '@temporalio/workflow';
import { observeRuns } from '../kernel/run-observers';

observeRuns({
  status: (status, previous, state) => {
    const tool = state.pendingAction?.tool ?? state.pausedOn?.tool ?? state.currentStep ?? undefined;
    const fields = { status, previous, ...(tool ? { tool } : {}), ...(state.error ? { error: state.error } : {}) };
    if (status === 'paused_on_error' || status === 'failed') log.warn(`run ${status}`, fields);
    else log.info(`run ${status}`, fields);
  },
});
