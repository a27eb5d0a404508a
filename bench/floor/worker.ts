/**
 * The floor's worker, its own process like the harness worker, with the same tuning (sticky
 * timeout, cache size and concurrency from the same HARNESS_* variables). Usage:
 * node floor/worker.js <address> <task queue>; says "floor worker: ready" on stderr.
 */
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { readEnv } from '../../src/config/env';
import { limitWorkflowHeap, tuningFromEnv, workerTuningOptions } from '../../src/worker/create-worker';
import { floorActivities } from './activities';

async function main(): Promise<void> {
  const [address, taskQueue] = process.argv.slice(2);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const tuning = tuningFromEnv(readEnv());
  limitWorkflowHeap(tuning.workflowHeapMb);
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue,
    workflowsPath: require.resolve('./workflow'),
    activities: floorActivities,
    ...workerTuningOptions(tuning),
  });
  process.stderr.write('floor worker: ready\n');
  await worker.run();
}

main().catch((err) => {
  console.error(`floor worker: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
