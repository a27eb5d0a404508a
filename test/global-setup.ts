/** Starts one real Temporal dev server (in memory, headless) for the suite, unless TEMPORAL_ADDRESS is given. */
import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { isolateFromTemporalProfiles } from './helpers/isolate-profiles';
import { startDevServer } from '../src/dev-server/dev-server';
import { freePort } from '../src/dev-server/free-port';

export default async function globalSetup(): Promise<void> {
  await isolateFromTemporalProfiles();
  if (process.env.HARNESS_TEST_TEMPORAL_ADDRESS) {
    process.env.TEMPORAL_ADDRESS = process.env.HARNESS_TEST_TEMPORAL_ADDRESS;
    return;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'harness-test-server-'));
  const address = `127.0.0.1:${await freePort()}`;
  const server = await startDevServer({ address, logFile: path.join(dir, 'server.log') });
  process.env.TEMPORAL_ADDRESS = address;
  (globalThis as Record<string, unknown>).__HARNESS_TEST_SERVER__ = server;
}
