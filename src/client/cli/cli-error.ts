/** Turns any failure into the one line a CLI user sees: no stack traces at the edge. */
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ConfigError } from '../../config/env';
import { HarnessError } from '../api/harness-error';

export function oneLine(err: unknown): string {
  if (err instanceof HarnessError || err instanceof ConfigError) return err.message;
  if (err instanceof WorkflowNotFoundError) return `no run with id ${err.workflowId}`;
  if (err instanceof WorkflowExecutionAlreadyStartedError) return `a run with id ${err.workflowId} already exists`;
  if (err instanceof WorkflowFailedError) return `run failed: ${err.cause?.message ?? err.message}`;
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}
