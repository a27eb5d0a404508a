/**
 * `harness server`: the embedded default dev server in the foreground, until Ctrl-C. With the
 * payload codec on, it serves the codec too and points Temporal Web at it, so whoever runs the
 * server reads runs decoded in the browser.
 */
import { readEnv } from '../../../config/env';
import { codecEnabled } from '../../../codec/data-converter';
import type { RunningCodecServer } from '../../../codec/codec-server';
import { DEFAULT_CODEC_SERVER_PORT, DEFAULT_UI_PORT } from '../../../shared/constants';
import { isServerReachable, startDevServer } from '../../../dev-server/dev-server';
import { DEFAULT_DB_FILE, TEMPORAL_DIR } from '../../../paths';
import { HarnessError } from '../../api/harness-error';
import path from 'node:path';
import { say } from '../terminal';
import { serveCodec, uiOrigins } from './codec';

export async function serverCommand(options: { db?: string; uiPort?: number; codecPort?: number }): Promise<void> {
  const env = readEnv();
  const { TEMPORAL_ADDRESS: address } = env;
  if (await isServerReachable(address)) throw new HarnessError(`a Temporal server already answers at ${address}`);
  const uiPort = options.uiPort ?? DEFAULT_UI_PORT;
  const codec: RunningCodecServer | null = codecEnabled(env)
    ? await serveCodec({ host: '127.0.0.1', port: options.codecPort ?? DEFAULT_CODEC_SERVER_PORT, origin: uiOrigins(uiPort) })
    : null;
  const dbFile = path.resolve(options.db ?? DEFAULT_DB_FILE);
  const logFile = path.join(TEMPORAL_DIR, 'server.log');
  try {
    const server = await startDevServer({ address, uiPort, dbFile, logFile, uiCodecEndpoint: codec?.url });
    say(
      `Temporal dev server: gRPC ${address}, Web UI ${server.uiUrl}, history ${dbFile}, log ${logFile}\n` +
        (codec ? `payload codec: Temporal Web decodes through ${codec.url}\n` : '') +
        'Ctrl-C to stop.\n',
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.stop();
  } finally {
    await codec?.close();
  }
}
