/**
 * The worker process's Temporal runtime: its logger (text, or one JSON object per line) and its
 * Prometheus exporter. Installed once, before the worker connects; everything logged through
 * Temporal's loggers (the SDK, workflow `log`, activity `log`) and every metric from its meters
 * goes through here.
 */
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogEntry } from '@temporalio/worker';
import type { HarnessEnv } from '../config/env';

type LogEnv = Pick<HarnessEnv, 'HARNESS_LOG_FORMAT' | 'HARNESS_LOG_LEVEL' | 'HARNESS_METRICS_ADDRESS'>;

/** Errors and bigints do not survive JSON.stringify as they are. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** One line per entry. The SDK names the tool `activityType`; `tool` says it in the harness's words. */
export function jsonLine(entry: LogEntry): string {
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry.meta ?? {})) meta[key] = jsonSafe(value);
  if (typeof meta.activityType === 'string') meta.tool = meta.activityType;
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  return JSON.stringify({ time, level: entry.level, message: entry.message, ...meta });
}

/** The worker process's own lines (start, stop, signals): `harness worker: …`, or JSON like the rest. */
export function workerSay(format: HarnessEnv['HARNESS_LOG_FORMAT']): (line: string) => void {
  if (format !== 'json') return (line) => process.stderr.write(`harness worker: ${line}\n`);
  return (message) => {
    const timestampNanos = BigInt(Date.now()) * 1_000_000n;
    process.stderr.write(`${jsonLine({ message, level: 'INFO', timestampNanos, meta: { sdkComponent: 'harness-worker' } })}\n`);
  };
}

export function workerLogger(env: LogEnv): DefaultLogger {
  if (env.HARNESS_LOG_FORMAT === 'json')
    return new DefaultLogger(env.HARNESS_LOG_LEVEL, (entry) => process.stderr.write(`${jsonLine(entry)}\n`));
  return new DefaultLogger(env.HARNESS_LOG_LEVEL);
}

export function installWorkerRuntime(env: LogEnv): void {
  Runtime.install({
    logger: workerLogger(env),
    telemetryOptions: {
      // The SDK core's own lines through the same logger, so a JSON log is JSON throughout.
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }) },
      ...(env.HARNESS_METRICS_ADDRESS
        ? {
            metrics: {
              prometheus: { bindAddress: env.HARNESS_METRICS_ADDRESS, countersTotalSuffix: true, useSecondsForDurations: true },
            },
          }
        : {}),
    },
  });
}
