/** Keeps a machine's Temporal profiles (a temporal.toml in the user's config folder, TEMPORAL_* variables) out of the suite. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProfileVariable } from '../../src/config/temporal-profile';

/** The suite talks to its own servers only: nothing may redirect it or switch TLS on. */
export async function isolateFromTemporalProfiles(): Promise<void> {
  for (const name of Object.keys(process.env)) {
    if (isProfileVariable(name)) delete process.env[name];
  }
  process.env.XDG_CONFIG_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'harness-test-config-'));
}
