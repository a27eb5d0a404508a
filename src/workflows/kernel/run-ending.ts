/** How a run ends when its steps stop short: cancelled, rejected at a gate, or failed for good. */
import { allHandlersFinished, ApplicationFailure, condition, isCancellation } from '@temporalio/workflow';
import { GateRejected } from './approval-gate';
import { ToolFailedError } from './call-tool';
import type { RunRecorder } from './run-recorder';
import { PolicyDeniedError } from './tool-path';

/**
 * Records the end `err` means and rethrows what Temporal must see: a cancellation as itself, a tool
 * or policy failure as a non-retryable ApplicationFailure. A rejection returns: the run completes as
 * `rejected`. Anything else is a bug and is rethrown as is (the task retries).
 */
export async function endStoppedRun(run: RunRecorder, err: unknown): Promise<void> {
  if (isCancellation(err)) {
    run.close('cancelled', 'cancelled through Temporal; nothing was written');
    throw err;
  }
  if (err instanceof GateRejected) {
    run.state.currentStep = null;
    run.setStatus('rejected');
  } else if (err instanceof ToolFailedError || err instanceof PolicyDeniedError) {
    run.fail(err.message);
    await condition(allHandlersFinished);
    // The failing tool travels in the details: a role's parent pauses on it.
    const tool = err instanceof ToolFailedError ? err.failure?.tool : undefined;
    throw ApplicationFailure.create({
      message: err.message,
      type: err instanceof PolicyDeniedError ? 'PolicyDenied' : 'ToolFailed',
      nonRetryable: true,
      details: tool ? [{ tool }] : [],
    });
  } else throw err;
}
