/**
 * The one way every part of the harness reaches Temporal: the CLI and doctor with a short
 * deadline, the worker patiently (it may start before its server) and abortably (SIGTERM while
 * waiting must end it). One message says what to do when nothing answers.
 */
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export interface TemporalTarget {
  TEMPORAL_ADDRESS: string;
}

export class UnreachableError extends Error {
  constructor(address: string) {
    super(`cannot reach Temporal at ${address}: start one with \`harness server\` or set TEMPORAL_ADDRESS`);
  }
}

/** A client connection, or UnreachableError after `timeoutMs`. */
export async function connectClientConnection(env: TemporalTarget, timeoutMs = 5_000): Promise<Connection> {
  try {
    return await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: timeoutMs });
  } catch {
    throw new UnreachableError(env.TEMPORAL_ADDRESS);
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
export async function connectWorkerConnection(env: TemporalTarget, options: PatientOptions): Promise<NativeConnection> {
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new AbortError('stopped while waiting for Temporal');
    try {
      return await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    } catch {
      if (Date.now() > deadline) throw new UnreachableError(env.TEMPORAL_ADDRESS);
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
