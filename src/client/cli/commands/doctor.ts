/**
 * `harness doctor`: is this setup able to run a research run? Temporal reachable and polled,
 * the model configuration, the endpoint's model listing, one chat round trip, and where telemetry
 * goes (an OTLP endpoint that accepts exports, a worker serving metrics).
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import OpenAI from 'openai';
import { effectiveVariables, HarnessEnv, readEnv } from '../../../config/env';
import { classifyModelError } from '../../../activities/model/openai-provider';
import { tracingEnabled } from '../../../telemetry/tracing';
import { connectClientConnection } from '../../../temporal-connection';
import { printJson } from '../format';
import { say } from '../terminal';
import { describeTarget } from '../../../config/temporal-profile';
import { loadCodecKeys } from '../../../codec/codec-keys';

type Status = 'ok' | 'warn' | 'fail' | 'skip';

/** A base URL as it may be shown: credentials in it (https://user:key@host) never reach a terminal or a log. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an invalid URL)';
  }
}
export interface Check {
  name: string;
  status: Status;
  detail: string;
}

async function temporalChecks(env: HarnessEnv): Promise<Check[]> {
  let connection: Connection;
  try {
    connection = await connectClientConnection(env);
  } catch (err) {
    return [
      { name: 'temporal', status: 'fail', detail: (err as Error).message },
      { name: 'workers', status: 'skip', detail: 'Temporal is unreachable' },
    ];
  }
  try {
    const namespace = env.TEMPORAL_NAMESPACE;
    await connection.withDeadline(Date.now() + 5_000, () => connection.workflowService.describeNamespace({ namespace }));
    const { pollers } = await connection.withDeadline(Date.now() + 5_000, () =>
      connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: env.HARNESS_TASK_QUEUE },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    const count = pollers?.length ?? 0;
    return [
      { name: 'temporal', status: 'ok', detail: `reachable at ${describeTarget(env)}, namespace ${namespace} described` },
      count
        ? { name: 'workers', status: 'ok', detail: `${count} worker(s) poll task queue ${env.HARNESS_TASK_QUEUE}` }
        : {
            name: 'workers',
            status: 'warn',
            detail: `no worker polls task queue ${env.HARNESS_TASK_QUEUE}: start one with \`harness worker\``,
          },
    ];
  } catch (err) {
    return [
      {
        name: 'temporal',
        status: 'fail',
        detail: `namespace ${env.TEMPORAL_NAMESPACE} at ${describeTarget(env)}: ${(err as Error).message.split('\n')[0]}`,
      },
      { name: 'workers', status: 'skip', detail: 'namespace not described' },
    ];
  } finally {
    await connection.close();
  }
}

async function modelChecks(): Promise<Check[]> {
  let env: HarnessEnv;
  try {
    env = readEnv(only(MODEL_VARIABLES));
  } catch (err) {
    return [
      { name: 'model config', status: 'fail', detail: `misconfigured: ${(err as Error).message}` },
      { name: 'model listing', status: 'skip', detail: 'configuration is invalid' },
      { name: 'chat round trip', status: 'skip', detail: 'configuration is invalid' },
    ];
  }
  if (env.HARNESS_MODEL_PROVIDER !== 'openai_compatible') {
    return [
      {
        name: 'model config',
        status: 'ok',
        detail: 'offline: the deterministic provider (set HARNESS_MODEL_PROVIDER=openai_compatible for a model)',
      },
      { name: 'model listing', status: 'skip', detail: 'offline' },
      { name: 'chat round trip', status: 'skip', detail: 'offline' },
    ];
  }
  const model = env.HARNESS_MODEL_NAME!;
  const apiKey = env.HARNESS_MODEL_API_KEY!;
  const client = new OpenAI({ baseURL: env.HARNESS_MODEL_BASE_URL, apiKey, maxRetries: 0, timeout: 15_000 });
  const checks: Check[] = [
    {
      name: 'model config',
      status: 'ok',
      detail: `openai_compatible: model ${model} at ${withoutCredentials(env.HARNESS_MODEL_BASE_URL!)}`,
    },
  ];
  try {
    const ids: string[] = [];
    for await (const entry of client.models.list()) ids.push(entry.id);
    checks.push(
      ids.includes(model)
        ? { name: 'model listing', status: 'ok', detail: `/models lists ${model}` }
        : {
            name: 'model listing',
            status: 'fail',
            detail: `/models does not list ${model} (it lists: ${ids.slice(0, 10).join(', ') || 'nothing'})`,
          },
    );
  } catch (err) {
    checks.push({ name: 'model listing', status: 'fail', detail: classifyModelError(err, apiKey).message });
  }
  const started = Date.now();
  try {
    const response = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Answer with the single word OK.' }],
      max_tokens: 5,
    });
    const usage = response.usage ? `${response.usage.total_tokens} tokens` : 'no usage reported';
    checks.push({ name: 'chat round trip', status: 'ok', detail: `answered in ${Date.now() - started} ms (${usage})` });
  } catch (err) {
    checks.push({ name: 'chat round trip', status: 'fail', detail: classifyModelError(err, apiKey).message });
  }
  return checks;
}

/** Where OTLP/HTTP traces go, by the OpenTelemetry conventions. */
function tracesEndpoint(env: NodeJS.ProcessEnv): string {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `${String(env.OTEL_EXPORTER_OTLP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
}

/** Tracing: an empty OTLP export, which a collector or Jaeger accepts; metrics: does a worker serve them. */
async function telemetryChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  if (!tracingEnabled(process.env)) {
    checks.push({ name: 'tracing', status: 'skip', detail: 'off (set OTEL_EXPORTER_OTLP_ENDPOINT to trace runs)' });
  } else {
    const url = tracesEndpoint(process.env);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [] }),
        signal: AbortSignal.timeout(5_000),
      });
      checks.push(
        response.ok
          ? { name: 'tracing', status: 'ok', detail: `${withoutCredentials(url)} accepts OTLP exports` }
          : { name: 'tracing', status: 'fail', detail: `${withoutCredentials(url)} answered ${response.status} to an OTLP export` },
      );
    } catch (err) {
      checks.push({
        name: 'tracing',
        status: 'fail',
        detail: `nothing accepts OTLP at ${withoutCredentials(url)}: ${(err as Error).message}`,
      });
    }
  }
  let address: string | undefined;
  try {
    address = readEnv(only(/^HARNESS_METRICS_/)).HARNESS_METRICS_ADDRESS;
  } catch (err) {
    return [...checks, { name: 'metrics', status: 'fail', detail: (err as Error).message }];
  }
  if (!address)
    return [
      ...checks,
      { name: 'metrics', status: 'skip', detail: 'off (set HARNESS_METRICS_ADDRESS on workers to serve Prometheus metrics)' },
    ];
  try {
    const text = await (await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    checks.push(
      text.includes('temporal_')
        ? { name: 'metrics', status: 'ok', detail: `a worker serves Prometheus metrics at http://${address}/metrics` }
        : { name: 'metrics', status: 'warn', detail: `http://${address}/metrics answers, but not with a worker's metrics` },
    );
  } catch {
    checks.push({
      name: 'metrics',
      status: 'warn',
      detail: `no worker serves http://${address}/metrics (a worker opens it when it starts)`,
    });
  }
  return checks;
}

/** The variables each group of checks reads: a mistake in one group must not stop the others. */
const TEMPORAL_VARIABLES = /^(TEMPORAL_|HARNESS_TASK_QUEUE$|HARNESS_CONNECT_TIMEOUT_MS$)/;
const MODEL_VARIABLES = /^(HARNESS_MODEL_|MODEL_|HARNESS_OPENAI_|OPENAI_)/;
const only = (names: RegExp): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([name]) => names.test(name)));

async function configurationCheck(): Promise<Check> {
  try {
    readEnv();
    return { name: 'configuration', status: 'ok', detail: 'every variable this harness reads is usable' };
  } catch (err) {
    return { name: 'configuration', status: 'fail', detail: (err as Error).message };
  }
}

/** The payload codec: off, or on with the key it encrypts under; a bad key setting fails here, not at the first payload. */
function codecCheck(): Check {
  try {
    const keys = loadCodecKeys(effectiveVariables());
    if (!keys)
      return {
        name: 'payload codec',
        status: 'skip',
        detail: 'off: history holds payloads in plain text (set HARNESS_CODEC_KEYS to encrypt)',
      };
    return {
      name: 'payload codec',
      status: 'ok',
      detail: `AES-256-GCM, encrypting with key "${keys.encryptingId}"; ${keys.byId.size} key(s) decrypt (${[...keys.byId.keys()].join(', ')})`,
    };
  } catch (err) {
    return { name: 'payload codec', status: 'fail', detail: (err as Error).message };
  }
}

async function checkTemporal(): Promise<Check[]> {
  let env: HarnessEnv;
  try {
    env = readEnv(only(TEMPORAL_VARIABLES));
  } catch (err) {
    return [
      { name: 'temporal', status: 'fail', detail: (err as Error).message },
      { name: 'workers', status: 'skip', detail: 'no usable Temporal address' },
    ];
  }
  return temporalChecks(env);
}

export async function doctorCommand(options: { json?: boolean }): Promise<void> {
  // Every check runs whatever the others find: an unreachable server still gets the model checked.
  const checks = [
    await configurationCheck(),
    ...(await checkTemporal()),
    codecCheck(),
    ...(await modelChecks()),
    ...(await telemetryChecks()),
  ];
  const healthy = checks.every((c) => c.status !== 'fail');
  if (options.json) printJson({ healthy, checks });
  else for (const c of checks) say(`[${c.status.padEnd(4)}] ${c.name.padEnd(16)} ${c.detail}\n`);
  if (!healthy) process.exitCode = 1;
}
