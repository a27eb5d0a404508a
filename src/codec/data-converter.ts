/**
 * The data converter every process that talks to Temporal uses (client, worker, replayer): the
 * encryption codec, and with it failure messages and stack traces moved into the encrypted
 * attributes, so an error that quotes a source is ciphertext too.
 */
import { DefaultFailureConverter, type DataConverter } from '@temporalio/common';
import { loadCodecKeys, type CodecSettings } from './codec-keys';
import { EncryptionCodec } from './encryption-codec';

export function harnessDataConverter(settings: CodecSettings): DataConverter {
  const keys = loadCodecKeys(settings);
  return {
    payloadCodecs: [new EncryptionCodec(keys)],
    ...(keys ? { failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }) } : {}),
  };
}

/** Whether payloads this process writes are encrypted. */
export const codecEnabled = (settings: CodecSettings): boolean => Boolean(settings.HARNESS_CODEC_KEYS || settings.HARNESS_CODEC_KEYS_FILE);
