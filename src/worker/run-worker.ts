/**
 * The worker process. It honours SIGINT/SIGTERM in every phase: while waiting for its server
 * (it stops waiting), while polling (graceful shutdown: in-flight tasks finish or are handed
 * back), and while shutting down (a second signal, or the deadline, exits at once).
 */
import path from 'node:path';
import { HarnessEnv, readEnv } from '../config/env';
import { startRunGauges } from '../telemetry/run-gauges';
import { flushTracing } from '../telemetry/tracing';
import { installWorkerRuntime, workerSay } from '../telemetry/worker-runtime';
import { AbortError } from '../temporal-connection';
import { UserRegistrations, workerFromEnv } from './worker-from-env';
import { describeTarget } from '../config/temporal-profile';

/** After the first signal the process exits within this, whatever the SDK is waiting for. */
export const SHUTDOWN_DEADLINE_MS = 30_000;

/** Runs a worker until SIGINT/SIGTERM: the harness's tools and workflows, and yours when `registrations` name them. */
export async function runWorker(env: HarnessEnv = readEnv(), registrations: UserRegistrations = {}): Promise<void> {
  const say = workerSay(env.HARNESS_LOG_FORMAT);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      say(`${signal} again: exiting now`);
      process.exit(1);
    }
    say(`${signal}: shutting down (at most ${SHUTDOWN_DEADLINE_MS / 1000}s)…`);
    stop.abort();
    setTimeout(() => {
      say(`did not stop within ${SHUTDOWN_DEADLINE_MS / 1000}s: exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  installWorkerRuntime(env);
  try {
    const built = await workerFromEnv(env, {
      ...registrations,
      shutdownSignals: [],
      signal: stop.signal,
      onWaiting: () => say(`waiting for Temporal at ${describeTarget(env)}…`),
    });
    const { worker, connection, model, defaultPolicy } = built;
    try {
      if (stop.signal.aborted) return;
      say(
        `task queue ${env.HARNESS_TASK_QUEUE} at ${describeTarget(env)} (namespace ${env.TEMPORAL_NAMESPACE}), ` +
          `model ${model.name}, default policy ${defaultPolicy.policy.name} (${defaultPolicy.digest.slice(0, 12)}), sticky queue timeout ${env.HARNESS_STICKY_QUEUE_TIMEOUT_MS} ms, output ${path.resolve(env.HARNESS_OUTPUT_DIR)}, pid ${process.pid}`,
      );
      if (env.HARNESS_METRICS_ADDRESS) say(`Prometheus metrics at http://${env.HARNESS_METRICS_ADDRESS}/metrics`);
      const gauges = env.HARNESS_METRICS_ADDRESS ? startRunGauges(connection, env.TEMPORAL_NAMESPACE, env.HARNESS_METRICS_POLL_MS) : null;
      const running = worker.run();
      stop.signal.addEventListener('abort', () => worker.shutdown(), { once: true });
      await running.finally(() => gauges?.stop());
      if (stop.signal.aborted) say('stopped');
    } finally {
      await flushTracing();
      await built.close();
    }
  } catch (err) {
    if (err instanceof AbortError) {
      say('stopped before it connected');
      return;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
