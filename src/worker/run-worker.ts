/** The worker process: reads the environment, registers tools and workflow, polls until told to stop. */
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import path from 'node:path';
import { createActivities } from '../activities';
import { selectProvider } from '../activities/model/select-provider';
import { HarnessEnv, readEnv } from '../config/env';
import { loadPolicyFile, policyFileFor } from '../config/policy-file';
import { ensureStatusSearchAttribute } from './register-search-attribute';
import { createHarnessWorker, tuningFromEnv } from './create-worker';

export async function registerSearchAttribute(env: HarnessEnv): Promise<void> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: 5_000 });
  try {
    await ensureStatusSearchAttribute(connection, env.TEMPORAL_NAMESPACE);
  } finally {
    await connection.close();
  }
}

/** Crash tests kill the worker at the worst moment: the report is written, the activity not completed. */
function faultHooks(env: HarnessEnv) {
  if (env.HARNESS_FAULT !== 'crash_after_report_write') return {};
  process.stderr.write('harness worker: fault injection armed: crash_after_report_write\n');
  return { afterWrite: () => process.kill(process.pid, 'SIGKILL') };
}

/** A worker started alongside its server (compose, two terminals) waits for it instead of dying. */
async function connectPatiently(env: HarnessEnv): Promise<NativeConnection> {
  const deadline = Date.now() + env.HARNESS_CONNECT_TIMEOUT_MS;
  for (let announced = false; ; announced = true) {
    try {
      return await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`cannot reach Temporal at ${env.TEMPORAL_ADDRESS}: start one with \`harness server\` or set TEMPORAL_ADDRESS`);
      }
      if (!announced) process.stderr.write(`harness worker: waiting for Temporal at ${env.TEMPORAL_ADDRESS}…\n`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Runs until SIGINT/SIGTERM, which the SDK turns into a graceful shutdown. */
export async function runWorker(env: HarnessEnv = readEnv()): Promise<void> {
  const connection = await connectPatiently(env);
  await registerSearchAttribute(env);
  const model = selectProvider(env);
  // Loaded (and validated) at start, so a bad default policy stops the worker with a clear message.
  const defaultPolicy = await loadPolicyFile(policyFileFor(env));
  const worker = await createHarnessWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.HARNESS_TASK_QUEUE,
    activities: createActivities({
      outputRoot: env.HARNESS_OUTPUT_DIR,
      model,
      finalizeHooks: faultHooks(env),
      defaultPolicy: async () => defaultPolicy,
    }),
    tuning: tuningFromEnv(env),
  });
  process.stderr.write(
    `harness worker: task queue ${env.HARNESS_TASK_QUEUE} at ${env.TEMPORAL_ADDRESS} (namespace ${env.TEMPORAL_NAMESPACE}), ` +
      `model ${model.name}, default policy ${defaultPolicy.policy.name} (${defaultPolicy.digest.slice(0, 12)}), sticky queue timeout ${env.HARNESS_STICKY_QUEUE_TIMEOUT_MS} ms, output ${path.resolve(env.HARNESS_OUTPUT_DIR)}, pid ${process.pid}\n`,
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}
