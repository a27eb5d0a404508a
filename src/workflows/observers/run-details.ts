/**
 * Keeps the run's current details (Temporal Web's "Current Details", the `__temporal_workflow_metadata`
 * query) in step with its state: refreshed at every trace event and status change. Not a command:
 * nothing in history changes.
 */
import { setCurrentDetails } from '@temporalio/workflow';
import { runDetails } from '../../shared/run-details';
import { observeRuns } from '../kernel/run-observers';

observeRuns({
  event: (_event, state) => setCurrentDetails(runDetails(state)),
  status: (_status, _previous, state) => setCurrentDetails(runDetails(state)),
});
