/**
 * The payload converter of every harness worker and replayer (`payloadConverterPath`, so it runs in
 * the workflow sandbox too): Temporal's default, except that a payload it cannot read becomes an
 * UndecodablePayload value instead of an exception. A signal with `--input-meta
 * encoding=binary/garbage`, or junk the codec could not decrypt, is then refused by its handler; it
 * no longer fails every workflow task of the run.
 */
import { defaultPayloadConverter, type Payload, type PayloadConverter, type SerializationContext } from '@temporalio/common';
import { MISSING_KEY_METADATA, UNDECODABLE_ENCODING, undecodablePayload } from './undecodable';

const text = (bytes: Uint8Array | null | undefined): string => {
  if (!bytes) return '';
  // TextDecoder is not in every sandbox: payload metadata and reasons are short ASCII.
  let out = '';
  for (const byte of bytes.subarray(0, 2_000)) out += String.fromCharCode(byte);
  return out;
};

class TolerantPayloadConverter implements PayloadConverter {
  toPayload<T>(value: T, context?: SerializationContext): Payload {
    // An undecodable value written back (in a trace, say) is plain JSON: its mark does not survive.
    return defaultPayloadConverter.toPayload(value, context);
  }

  fromPayload<T>(payload: Payload, context?: SerializationContext): T {
    const encoding = text(payload.metadata?.encoding);
    if (encoding === UNDECODABLE_ENCODING) {
      const missing = text(payload.metadata?.[MISSING_KEY_METADATA]);
      return undecodablePayload(text(payload.data), missing || null) as T;
    }
    try {
      return defaultPayloadConverter.fromPayload(payload, context);
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0].slice(0, 200) : 'unreadable';
      return undecodablePayload(`a payload with encoding ${JSON.stringify(encoding.slice(0, 60))} could not be decoded (${why})`) as T;
    }
  }
}

export const payloadConverter = new TolerantPayloadConverter();
