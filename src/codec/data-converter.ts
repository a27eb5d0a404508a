/**
 * The data converter every process that talks to Temporal uses (client, worker, replayer): the
 * encryption codec, and with it failure messages and stack traces moved into the encrypted
 * attributes, so an error that quotes a source is ciphertext too. Workers and replayers run workflow
 * code with two changes (forWorkflowCode): a payload that cannot be decrypted or decoded becomes a
 * value its handler refuses, never an exception that fails the run's tasks.
 */
import { DefaultFailureConverter, type DataConverter, type LoadedDataConverter } from '@temporalio/common';
import { loadCodecKeys, type CodecSettings } from './codec-keys';
import { EncryptionCodec } from './encryption-codec';

/** Also given to the workflow bundle (bundle-workflows.ts): the sandbox and the activities convert alike. */
export const PAYLOAD_CONVERTER_PATH = require.resolve('../shared/payload-converter');

export function harnessDataConverter(settings: CodecSettings): DataConverter {
  const keys = loadCodecKeys(settings);
  return {
    payloadCodecs: [new EncryptionCodec(keys)],
    ...(keys ? { failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }) } : {}),
  };
}

/** The converter as workflow code runs with it: undecryptable payloads marked, the tolerant payload converter. */
export function forWorkflowCode(converter: DataConverter | LoadedDataConverter = {}): DataConverter {
  const { payloadCodecs = [] } = converter;
  const failureConverter = (converter as { failureConverter?: unknown }).failureConverter;
  return {
    payloadCodecs: payloadCodecs.map((codec) => (codec instanceof EncryptionCodec ? codec.marking() : codec)),
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    ...(failureConverter ? { failureConverter } : {}),
  } as DataConverter;
}

/** Whether payloads this process writes are encrypted. */
export const codecEnabled = (settings: CodecSettings): boolean => Boolean(settings.HARNESS_CODEC_KEYS || settings.HARNESS_CODEC_KEYS_FILE);
