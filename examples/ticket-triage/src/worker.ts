/**
 * The worker, as a script: the harness's environment recipe (TEMPORAL_*, HARNESS_*), these tools
 * beside the built-in ones, these workflows. `harness worker` with HARNESS_TOOLS and
 * HARNESS_WORKFLOWS set does the same without this file.
 */
import { readEnv, runWorker } from 'durable-harness/worker';
import { filing, lookup } from './activities';

runWorker(readEnv(), { tools: [lookup, filing], workflowsPath: require.resolve('./workflows') }).catch((err) => {
  console.error(`worker: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
