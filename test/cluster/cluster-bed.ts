/**
 * One production-shape cluster per test file (its own databases, dropped and made again at the
 * start, free ports, certificates in a temporary folder), a client over mTLS, and the variables
 * that point worker processes, the harness CLI and the `temporal` CLI at it.
 */
import { Client, Connection } from '@temporalio/client';
import { startCluster, type RunningCluster } from '../../src/cluster/cluster';
import { temporalConnectOptions } from '../../src/config/temporal-profile';
import { quietRuntime, tempDir, uniqueName } from '../helpers/temporal';

export interface ClusterBed {
  cluster: RunningCluster;
  client: Client;
  outputRoot: string;
  taskQueue: string;
  /** TEMPORAL_* (mTLS) plus the bed's task queue and output folder, for child processes. */
  env: NodeJS.ProcessEnv;
}

export function useClusterBed(name: string, options: { auth?: boolean } = {}): ClusterBed {
  const bed = {} as ClusterBed;
  let connection: Connection | undefined;
  beforeAll(async () => {
    quietRuntime();
    bed.cluster = await startCluster({
      ports: 'free',
      ui: false,
      auth: options.auth,
      reset: true,
      databasePrefix: `harness_test_${name.replace(/\W/g, '_')}`,
      stateDir: await tempDir(`cluster-${name}`),
      log: () => undefined,
    });
    connection = await Connection.connect(temporalConnectOptions(bed.cluster.target));
    bed.client = new Client({ connection, namespace: bed.cluster.target.TEMPORAL_NAMESPACE });
    bed.outputRoot = await tempDir(`${name}-out`);
    bed.taskQueue = uniqueName(name);
    bed.env = {
      ...bed.cluster.clientVariables,
      HARNESS_TASK_QUEUE: bed.taskQueue,
      HARNESS_OUTPUT_DIR: bed.outputRoot,
      HARNESS_IDENTITY: 'tester',
    };
  }, 600_000);
  afterAll(async () => {
    await connection?.close();
    await bed.cluster?.stop();
  });
  return bed;
}
