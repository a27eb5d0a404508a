/**
 * `harness codec keygen --id ID` prints a new HARNESS_CODEC_KEYS entry; `harness codec-server`
 * serves the codec to Temporal Web and the `temporal` CLI (--codec-endpoint) until Ctrl-C.
 */
import { readEnv } from '../../../config/env';
import { loadCodecKeys, newCodecKeyEntry } from '../../../codec/codec-keys';
import { startCodecServer, type RunningCodecServer } from '../../../codec/codec-server';
import { EncryptionCodec } from '../../../codec/encryption-codec';
import { DEFAULT_UI_PORT } from '../../../shared/constants';
import { HarnessError } from '../../api/harness-error';
import { say } from '../terminal';

export function codecKeygenCommand(options: { id: string }): void {
  say(`${newCodecKeyEntry(options.id)}\n`);
}

/** The embedded UI's origins, by either name a browser may use for the loopback address. */
export const uiOrigins = (uiPort: number): string[] => [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`];

export interface CodecServerCommandOptions {
  host: string;
  port: number;
  origin?: string[];
}

/** Starts the codec server with this process's keys; HARNESS_CODEC_SERVER_TOKEN, when set, is the bearer token it requires. */
export async function serveCodec(options: CodecServerCommandOptions): Promise<RunningCodecServer> {
  const env = readEnv();
  const keys = loadCodecKeys(env);
  if (!keys)
    throw new HarnessError('the codec server needs keys: set HARNESS_CODEC_KEYS or HARNESS_CODEC_KEYS_FILE (harness codec keygen --id k1)');
  return startCodecServer({
    codec: new EncryptionCodec(keys),
    host: options.host,
    port: options.port,
    origins: options.origin?.length ? options.origin : uiOrigins(DEFAULT_UI_PORT),
    token: env.HARNESS_CODEC_SERVER_TOKEN,
  });
}

export async function codecServerCommand(options: CodecServerCommandOptions): Promise<void> {
  const server = await serveCodec(options);
  const env = readEnv();
  say(
    `codec server ${server.url} (POST /encode, /decode; ${env.HARNESS_CODEC_SERVER_TOKEN ? 'bearer token required' : 'no token: keep it on loopback'})\n` +
      `Temporal Web: its codec endpoint setting, or \`temporal server start-dev --ui-codec-endpoint ${server.url}\`; ` +
      `temporal CLI: --codec-endpoint ${server.url}\nCtrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}
