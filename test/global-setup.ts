/** Starts one real Temporal dev server (in memory, headless) for the suite, unless TEMPORAL_ADDRESS is given. */
import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { isProfileVariable } from '../src/config/temporal-profile';
import { startDevServer } from '../src/dev-server/dev-server';
import { freePort } from '../src/dev-server/free-port';

/**
 * The suite talks to its own server only: a Temporal profile on this machine (a temporal.toml in
 * the user's config folder, TEMPORAL_* variables) must not redirect it or switch TLS on.
 */
async function isolateFromTemporalProfiles(): Promise<void> {
  for (const name of Object.keys(process.env)) {
    if (isProfileVariable(name)) delete process.env[name];
  }
  process.env.XDG_CONFIG_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'harness-test-config-'));
}

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
