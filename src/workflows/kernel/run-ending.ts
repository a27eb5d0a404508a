/** How a run ends when its steps stop short: cancelled, rejected at a gate, or failed for good. */
import { allHandlersFinished, ApplicationFailure, condition, ContinueAsNew, isCancellation, TemporalFailure } from '@temporalio/workflow';
import { GateRejected } from './approval-gate';
import { ToolFailedError } from './call-tool';
import type { RunRecorder } from './run-recorder';
import { PolicyDeniedError, UnregisteredToolError } from './tool-path';

/**
 * Records the end `err` means and rethrows what Temporal must see: a cancellation as itself, a tool
 * or policy failure as a non-retryable ApplicationFailure. A rejection returns: the run completes as
 * `rejected`. A failure the body threw on purpose (an ApplicationFailure) or a continue-as-new goes
 * through as is. Anything else is a bug: rethrown as is (the task retries) or, for a workflow that
 * asks so, the run fails for good as `WorkflowError`.
 */
export async function endStoppedRun(run: RunRecorder, err: unknown, unexpected: 'retry-task' | 'fail-run' = 'retry-task'): Promise<void> {
  if (isCancellation(err)) {
    run.close('cancelled', 'cancelled through Temporal; nothing was written');
    throw err;
  }
  if (err instanceof GateRejected) {
    run.state.currentStep = null;
    run.setStatus('rejected');
  } else if (err instanceof ToolFailedError || err instanceof PolicyDeniedError || err instanceof UnregisteredToolError) {
    run.fail(err.message);
    await condition(allHandlersFinished);
    // The failing tool travels in the details: a role's parent pauses on it.
    const tool = err instanceof ToolFailedError ? err.failure?.tool : undefined;
    throw ApplicationFailure.create({
      message: err.message,
      type: err instanceof ToolFailedError ? 'ToolFailed' : err instanceof PolicyDeniedError ? 'PolicyDenied' : 'UnregisteredTool',
      nonRetryable: true,
      details: tool ? [{ tool }] : [],
    });
  } else if (unexpected === 'fail-run' && !(err instanceof TemporalFailure) && !(err instanceof ContinueAsNew)) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    run.fail(message);
    await condition(allHandlersFinished);
    throw ApplicationFailure.create({ message, type: 'WorkflowError', nonRetryable: true });
  } else throw err;
}
