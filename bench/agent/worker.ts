/**
 * The agent benchmark's harness worker, its own process like `harness worker` (same recipe,
 * workerFromEnv, same tuning variables), with the bench agents, their trivial tool and the
 * scripted model. Says "agent worker: ready" on stderr.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { readEnv } from '../../src/config/env';
import { implementTool, workerFromEnv } from '../../src/worker/public';
import { benchEcho } from './agent';
import { benchModel } from './model';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const built = await workerFromEnv(readEnv(), {
    tools: [implementTool(benchEcho, async ({ n }) => ({ n }))],
    builtinTools: false,
    workflowsPath: require.resolve('./agent'),
    chatModel: benchModel,
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
  process.stderr.write('agent worker: ready\n');
  try {
    await built.worker.run();
  } finally {
    await built.close();
  }
}

main().catch((err) => {
  console.error(`agent worker: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
