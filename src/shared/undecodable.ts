/**
 * A payload nothing here can read (an encoding no converter knows, junk under `binary/encrypted`, a
 * key this process lacks), handed to code as a value instead of an exception: a signal or update
 * handler refuses it and the run keeps waiting, where an exception would fail every workflow task
 * of the run until it is terminated. Marked with a symbol, which JSON cannot carry, so no caller
 * can send one.
 */
const MARK = Symbol.for('durable-harness.undecodable');

/** The encoding the payload codec gives a payload it cannot decrypt; its data is the reason, in UTF-8. */
export const UNDECODABLE_ENCODING = 'binary/undecodable';
/** Metadata naming the key a payload is encrypted under, when that key is not among this process's keys. */
export const MISSING_KEY_METADATA = 'missing-encryption-key';

export interface UndecodablePayload {
  readonly reason: string;
  /** The key id this process lacks: another process with it could read the payload. Null: nobody can. */
  readonly missingKey: string | null;
  readonly [MARK]: true;
}

export function undecodablePayload(reason: string, missingKey: string | null = null): UndecodablePayload {
  return { reason, missingKey, [MARK]: true };
}

export function isUndecodable(value: unknown): value is UndecodablePayload {
  return typeof value === 'object' && value !== null && (value as { [MARK]?: unknown })[MARK] === true;
}

/**
 * Workflow input this process lacks the key for: the workflow task fails (a plain Error, on
 * purpose) and is retried until a worker holding the key takes it, as before the codec marked
 * anything. Input nobody can decode is left to the input's own validation, which refuses it.
 */
export function requireReadableInput(input: unknown): void {
  if (isUndecodable(input) && input.missingKey !== null) throw new Error(input.reason);
}

/** Why a value cannot be used as input, when it is undecodable. */
export const undecodableReason = (value: unknown): string | null => (isUndecodable(value) ? `could not be decoded: ${value.reason}` : null);
