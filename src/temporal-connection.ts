/**
 * The one way every part of the harness reaches Temporal: the CLI and doctor with a short
 * deadline, the worker patiently (it may start before its server) and abortably (SIGTERM while
 * waiting must end it). TLS, API key and headers come from the Temporal profile
 * (config/temporal-profile). A failure is one line that says which kind it is: nothing answers
 * (the worker waits), TLS does not agree, or the server refuses the credentials (both final).
 */
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { describeTarget, temporalConnectOptions, type TemporalConnectOptions, type TemporalTarget } from './config/temporal-profile';
import { diagnoseConnection } from './connection-diagnosis';

export type { TemporalTarget };

export class UnreachableError extends Error {
  constructor(target: TemporalTarget) {
    super(`cannot reach Temporal at ${describeTarget(target)}: start one with \`harness server\` or set TEMPORAL_ADDRESS`);
  }
}

/** The server answered but the connection cannot work as configured: retrying will not help. */
export class ConnectionRefusedError extends UnreachableError {
  constructor(target: TemporalTarget, reason: string) {
    super(target);
    this.message = `Temporal at ${describeTarget(target)}: ${reason}`;
  }
}

/**
 * Sorts a failed connect into unreachable (nothing listens: worth waiting for) or misconfigured
 * (the server answered; TLS or credentials disagree: final), probing the layers to say which.
 */
export async function explainConnectFailure(
  err: unknown,
  target: TemporalTarget,
  options: TemporalConnectOptions,
): Promise<UnreachableError> {
  // The client wraps the server's answer (in `cause`); the worker's native client words it its own way.
  const text = `${(err as Error)?.message ?? err} ${((err as Error)?.cause as Error | undefined)?.message ?? ''}`;
  if (/unauthenticated|unauthorized|permission ?denied|does not have permission/i.test(text))
    return new ConnectionRefusedError(target, 'the server refused the credentials: check TEMPORAL_API_KEY or the client certificate');
  const diagnosis = await diagnoseConnection(options);
  if (diagnosis.kind === 'misconfigured') return new ConnectionRefusedError(target, diagnosis.reason);
  return new UnreachableError(target);
}

/**
 * A client connection, or an UnreachableError (possibly a ConnectionRefusedError) after `timeoutMs`.
 * `explain: false` skips the probing that words the failure: for loops that poll for readiness and
 * only need to know whether it worked.
 */
export async function connectClientConnection(target: TemporalTarget, timeoutMs = 5_000, { explain = true } = {}): Promise<Connection> {
  const options = temporalConnectOptions(target);
  try {
    return await Connection.connect({ ...options, connectTimeout: timeoutMs });
  } catch (err) {
    throw explain ? await explainConnectFailure(err, target, options) : new UnreachableError(target);
  }
}

export interface PatientOptions {
  /** Give up after this long (UnreachableError). */
  waitMs: number;
  /** Stops the wait at once (AbortError). */
  signal?: AbortSignal;
  /** Called once, when the first attempt fails. */
  onWaiting?: () => void;
}

export class AbortError extends Error {}

/** A worker connection, retried every second until the server answers, the deadline passes or the signal aborts. */
export async function connectWorkerConnection(target: TemporalTarget, options: PatientOptions): Promise<NativeConnection> {
  const connectOptions = temporalConnectOptions(target);
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new AbortError('stopped while waiting for Temporal');
    try {
      return await NativeConnection.connect(connectOptions);
    } catch (err) {
      const failure = await explainConnectFailure(err, target, connectOptions);
      if (failure instanceof ConnectionRefusedError || Date.now() > deadline) throw failure;
      if (attempt === 0) options.onWaiting?.();
      await abortableDelay(1_000, options.signal);
    }
  }
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
