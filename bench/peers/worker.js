/**
 * A peer's worker, its own process: `node worker.js <openai-agents|ai-sdk> <address> <task queue>`.
 * Temporal's plugin for that SDK, the bench's scripted model behind it, the echo activity, and the
 * same worker tuning variables as the harness's worker (HARNESS_MAX_CACHED_WORKFLOWS, …). Says
 * "<peer> worker: ready" on stderr.
 */
const path = require('node:path');
const v8 = require('node:v8');
const { DefaultLogger, NativeConnection, Runtime, Worker } = require('@temporalio/worker');
const { activities } = require('./script');

const PEERS = {
  'openai-agents': () => {
    const { OpenAIAgentsPlugin } = require('@temporalio/openai-agents');
    const { scriptedProvider } = require('./openai-agents/model');
    return new OpenAIAgentsPlugin({ modelProvider: scriptedProvider, modelParams: { startToCloseTimeout: '30s' } });
  },
  'ai-sdk': () => {
    const { AiSdkPlugin } = require('@temporalio/ai-sdk');
    const { scriptedProvider } = require('./ai-sdk/model');
    return new AiSdkPlugin({ modelProvider: scriptedProvider });
  },
};

const positive = (name) => {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return value > 0 ? value : undefined;
};

/** The worker options the HARNESS_* tuning variables set; unset ones keep the SDK's defaults. */
function tuning() {
  const options = {
    maxCachedWorkflows: positive('HARNESS_MAX_CACHED_WORKFLOWS'),
    maxConcurrentActivityTaskExecutions: positive('HARNESS_MAX_CONCURRENT_ACTIVITIES'),
    maxConcurrentWorkflowTaskExecutions: positive('HARNESS_MAX_CONCURRENT_WORKFLOW_TASKS'),
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

async function main() {
  const [peer, address, taskQueue] = process.argv.slice(2);
  if (!PEERS[peer] || !address || !taskQueue) throw new Error(`usage: worker.js <${Object.keys(PEERS).join('|')}> <address> <task queue>`);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address });
  // As the harness worker does (src/worker/create-worker.ts): the flag is read by the workflow thread's isolate.
  const heapMb = positive('HARNESS_WORKFLOW_HEAP_MB');
  if (heapMb) v8.setFlagsFromString(`--max-old-space-size=${heapMb}`);
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: path.join(__dirname, peer, 'workflows.js'),
    activities,
    plugins: [PEERS[peer]()],
    ...tuning(),
    stickyQueueScheduleToStartTimeout: positive('HARNESS_STICKY_QUEUE_TIMEOUT_MS') ?? 3_000,
  });
  process.stderr.write(`${peer} worker: ready\n`);
  process.once('SIGTERM', () => worker.shutdown());
  process.once('SIGINT', () => worker.shutdown());
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(`peer worker: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
