/**
 * The payload codec: AES-256-GCM over each whole payload (its metadata and data, as protobuf), so
 * Temporal stores only ciphertext, an `encryption-key-id` and the `binary/encrypted` encoding.
 * Unencrypted payloads pass through decode, so turning the codec on strands no earlier run; an
 * encrypted one without its key fails with one line that says which key is missing. Where workflow
 * code reads (workers, replayers) a payload that cannot be decrypted is marked instead
 * (`binary/undecodable`, the reason as its data): one junk signal must not fail every task of a run.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MISSING_KEY_METADATA, UNDECODABLE_ENCODING } from '../shared/undecodable';
import type { CodecKeys } from './codec-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : '');

/** A payload this process cannot decrypt: the message is the whole explanation. */
export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
  constructor(message: string) {
    super(message);
    // The stack would only show the SDK's codec plumbing: the worker's log and the task failure in history say this line alone.
    this.stack = `${this.name}: ${message}`;
  }
}

export class EncryptionCodec implements PayloadCodec {
  /**
   * keys null: the codec is off here; it writes plaintext and explains any ciphertext it meets.
   * markUndecryptable: decode marks what it cannot decrypt rather than throwing (workflow code reads it, see shared/undecodable.ts).
   */
  constructor(
    private readonly keys: CodecKeys | null,
    private readonly markUndecryptable = false,
  ) {}

  /** The same keys, marking what cannot be decrypted: what workflow code is run with. */
  marking(): EncryptionCodec {
    return new EncryptionCodec(this.keys, true);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keys = this.keys;
    if (!keys) return payloads;
    const key = keys.byId.get(keys.encryptingId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(temporal.api.common.v1.Payload.encode(payload).finish()), cipher.final()]);
      return {
        metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(keys.encryptingId) },
        data: Buffer.concat([iv, sealed, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (text(payload.metadata?.encoding) === ENCRYPTED_ENCODING ? this.decrypt(payload) : payload));
  }

  /** Why a payload under key `id` cannot be read here, or null when it can. */
  missingKey(id: string): PayloadKeyError | null {
    if (!this.keys)
      return new PayloadKeyError(
        `a payload is encrypted (key "${id}") and this process has no codec keys: set HARNESS_CODEC_KEYS or HARNESS_CODEC_KEYS_FILE`,
      );
    if (this.keys.byId.has(id)) return null;
    return new PayloadKeyError(
      `a payload is encrypted with key "${id}", which is not among this process's codec keys (${[...this.keys.byId.keys()].join(', ')}): add it to HARNESS_CODEC_KEYS`,
    );
  }

  private decrypt(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    const missing = this.missingKey(id);
    if (missing) return this.undecryptable(missing, id);
    const key = this.keys!.byId.get(id)!;
    const data = payload.data ?? new Uint8Array();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    } catch {
      return this.undecryptable(
        new PayloadKeyError(
          `a payload encrypted with key "${id}" does not decrypt with it: the key is not the one it was written with, or the payload was altered`,
        ),
        null,
      );
    }
  }

  /** Throws, or (marking) returns the payload as undecodable, naming the key another process might hold. */
  private undecryptable(error: PayloadKeyError, missingKey: string | null): Payload {
    if (!this.markUndecryptable) throw error;
    return {
      metadata: { encoding: utf8(UNDECODABLE_ENCODING), ...(missingKey ? { [MISSING_KEY_METADATA]: utf8(missingKey.slice(0, 64)) } : {}) },
      data: utf8(error.message),
    };
  }
}

/** Events whose payloads came from outside the run: whoever signals or updates it chose their key. */
const INBOUND_EVENTS = [
  'workflowExecutionSignaledEventAttributes',
  'workflowExecutionUpdateAcceptedEventAttributes',
  'workflowExecutionUpdateAdmittedEventAttributes',
];

/** The key ids a history's payloads are encrypted under, wherever they sit in it (`inbound: false`: not in signals and updates). */
export function encryptionKeyIds(history: unknown, { inbound = true } = {}): Set<string> {
  const ids = new Set<string>();
  if (!inbound && history && typeof history === 'object' && Array.isArray((history as { events?: unknown }).events)) {
    const events = (history as { events: Record<string, unknown>[] }).events.filter((e) => !INBOUND_EVENTS.some((k) => e?.[k]));
    return encryptionKeyIds({ events });
  }
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object' || ArrayBuffer.isView(node)) return;
    const metadata = (node as Payload).metadata;
    if (metadata && text(metadata.encoding) === ENCRYPTED_ENCODING) ids.add(text(metadata[KEY_ID_METADATA]));
    for (const child of Object.values(node)) visit(child);
  };
  visit(history);
  return ids;
}
