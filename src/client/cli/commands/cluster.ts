/**
 * `harness cluster` (`npm run cluster`): the production-shape cluster (PostgreSQL, four services,
 * mTLS, Web UI) in the foreground, until Ctrl-C. Prints how to point the harness and the
 * `temporal` CLI at it, as variables and as a profile in a TOML file both read.
 */
import { writeFileAt } from '../../../files/write-file-inside';
import path from 'node:path';
import { clientConfigToToml } from '@temporalio/envconfig';
import { startCluster } from '../../../cluster/cluster';
import { HarnessError } from '../../api/harness-error';
import { say, warn } from '../terminal';

export const CLUSTER_PROFILE = 'cluster';

export interface ClusterCommandOptions {
  reset?: boolean;
  ui?: boolean;
  dir?: string;
  database?: string;
  freePorts?: boolean;
  auth?: boolean;
}

export async function clusterCommand(options: ClusterCommandOptions): Promise<void> {
  // Ctrl-C during the start must not orphan the services already running: it is heard from the
  // beginning, and acted on once the start has finished (or failed, stopping what it started).
  const interrupted = new Promise<null>((resolve) => {
    process.once('SIGINT', () => resolve(null));
    process.once('SIGTERM', () => resolve(null));
  });
  const cluster = await startCluster({
    reset: options.reset,
    ui: options.ui,
    stateDir: options.dir,
    databasePrefix: options.database,
    ports: options.freePorts ? 'free' : 'default',
    auth: options.auth,
    log: (line) => warn(`${line}\n`),
  }).catch((err: Error) => {
    throw new HarnessError(err.message.split('\n')[0]);
  });
  let ended: Awaited<typeof cluster.unexpectedExit> | null = null;
  try {
    const profileFile = path.join(cluster.layout.stateDir, 'temporal.toml');
    await writeFileAt(profileFile, clientConfigToToml({ profiles: { [CLUSTER_PROFILE]: cluster.target.temporalProfile } }));
    const exportLines = Object.entries(cluster.clientVariables)
      .map(([name, value]) => `export ${name}=${value}`)
      .join('\n');
    say(
      `Temporal cluster: frontend ${cluster.address} (mTLS${cluster.layout.auth ? ', API keys required' : ''}), ${cluster.layout.historyShards} history shards, ` +
        `PostgreSQL databases ${cluster.layout.databases.main} and ${cluster.layout.databases.visibility}` +
        `${cluster.uiUrl ? `, Web UI ${cluster.uiUrl}` : ''}\n` +
        `Point the harness and the temporal CLI at it with\n${exportLines}\n` +
        `or with the profile: export TEMPORAL_CONFIG_FILE=${profileFile} TEMPORAL_PROFILE=${CLUSTER_PROFILE}\n` +
        `Logs in ${path.join(cluster.layout.stateDir, 'logs')}. Ctrl-C to stop.\n`,
    );
    ended = await Promise.race([interrupted, cluster.unexpectedExit]);
  } finally {
    await cluster.stop();
  }
  if (ended)
    throw new HarnessError(
      `temporal ${ended.service} exited (code ${ended.code}); stopped the cluster (log: ${path.join(cluster.layout.stateDir, 'logs', `${ended.service}.log`)})`,
    );
}
