/** `harness server`: the embedded default dev server in the foreground, until Ctrl-C. */
import { readEnv } from '../../../config/env';
import { DEFAULT_UI_PORT } from '../../../shared/constants';
import { isServerReachable, startDevServer } from '../../../dev-server/dev-server';
import { DEFAULT_DB_FILE, TEMPORAL_DIR } from '../../../paths';
import { HarnessError } from '../../api/harness-error';
import path from 'node:path';
import { say } from '../terminal';

export async function serverCommand(options: { db?: string; uiPort?: number }): Promise<void> {
  const { TEMPORAL_ADDRESS: address } = readEnv();
  if (await isServerReachable(address)) throw new HarnessError(`a Temporal server already answers at ${address}`);
  const dbFile = path.resolve(options.db ?? DEFAULT_DB_FILE);
  const logFile = path.join(TEMPORAL_DIR, 'server.log');
  const server = await startDevServer({ address, uiPort: options.uiPort ?? DEFAULT_UI_PORT, dbFile, logFile });
  say(`Temporal dev server: gRPC ${address}, Web UI ${server.uiUrl}, history ${dbFile}, log ${logFile}\nCtrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.stop();
}
