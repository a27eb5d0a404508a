/** Turns any failure into the one line a CLI user sees: no stack traces at the edge. */
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { ConfigError } from '../../config/env';
import { HarnessError } from '../api/harness-error';

export function oneLine(err: unknown): string {
  if (err instanceof HarnessError || err instanceof ConfigError) return err.message;
  if (err instanceof WorkflowNotFoundError) return `no run with id ${err.workflowId}`;
  if (err instanceof WorkflowExecutionAlreadyStartedError) return `a run with id ${err.workflowId} already exists`;
  if (err instanceof WorkflowFailedError) return `run failed: ${err.cause?.message ?? err.message}`;
  const refused = refusedCredentials(err);
  if (refused) return refused;
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}

/** gRPC PERMISSION_DENIED and UNAUTHENTICATED: the server took the connection but not these credentials. */
const CREDENTIAL_CODES: Record<number, string> = { 7: 'PERMISSION_DENIED', 16: 'UNAUTHENTICATED' };

function refusedCredentials(err: unknown): string | null {
  const grpc = err instanceof ServiceError ? err.cause : err;
  if (!isGrpcServiceError(grpc) || !(grpc.code in CREDENTIAL_CODES)) return null;
  return (
    `Temporal refused this client's credentials (${CREDENTIAL_CODES[grpc.code]}: ${grpc.details}): ` +
    'check TEMPORAL_API_KEY or the client certificate, and what the namespace lets this identity do'
  );
}
