/** Reads and validates the process environment once: Temporal connection, output root, model. */
import dotenv from 'dotenv';
import { existsSync } from 'node:fs';
import { FileRefusedError } from '../files/file-refused';
import { readRegularFileSync } from '../files/read-regular-file';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_NAMESPACE, DEFAULT_OUTPUT_DIR, DEFAULT_TASK_QUEUE, DEFAULT_TEMPORAL_ADDRESS } from '../shared/constants';
import { parseRunExecution } from '../shared/execution';
import { TOOL_NAMES } from '../shared/tools';
import { describeZodError } from '../shared/tool-contract';
import { ConfigError } from './config-error';
import { loadTemporalProfile, type TemporalProfile } from './temporal-profile';

export { ConfigError };

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalText = z.preprocess(blankAsUndefined, z.string().optional());
const positiveMs = (fallback: number) => z.preprocess(blankAsUndefined, z.coerce.number().int().positive().default(fallback));

export const HarnessEnv = z
  .object({
    TEMPORAL_ADDRESS: z.preprocess(
      blankAsUndefined,
      z
        .string()
        .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port, e.g. localhost:7233')
        .default(DEFAULT_TEMPORAL_ADDRESS),
    ),
    // Set but blank is a mistake, not a request for the default: a worker would poll the wrong queue.
    TEMPORAL_NAMESPACE: z.string().trim().min(1, 'set but blank (unset it for "default")').default(DEFAULT_NAMESPACE),
    HARNESS_TASK_QUEUE: z.string().trim().min(1, 'set but blank (unset it for "harness")').default(DEFAULT_TASK_QUEUE),
    HARNESS_OUTPUT_DIR: z.preprocess(blankAsUndefined, z.string().default(DEFAULT_OUTPUT_DIR)),
    HARNESS_MODEL_PROVIDER: z.preprocess(blankAsUndefined, z.enum(['offline', 'openai_compatible']).default('offline')),
    HARNESS_MODEL_BASE_URL: z.preprocess(blankAsUndefined, z.string().url().optional()),
    HARNESS_MODEL_API_KEY: optionalText,
    HARNESS_MODEL_NAME: optionalText,
    HARNESS_MODEL_TIMEOUT_MS: positiveMs(60_000),
    /** Per-run token budget for model steps; a run past it pauses for an operator. */
    HARNESS_TOKEN_BUDGET: z.preprocess(blankAsUndefined, z.coerce.number().int().positive().optional()),
    /** Simulated model latency of the offline provider per model step (demos, chaos, benchmarks). */
    HARNESS_OFFLINE_LATENCY_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(0)),
    /** How long a workflow task waits on a dead worker's sticky queue before any worker may take it. */
    HARNESS_STICKY_QUEUE_TIMEOUT_MS: positiveMs(3_000),
    /** Client side, at start: how long a workflow task may run before another worker gets it (Temporal caps it at 120 s). */
    HARNESS_WORKFLOW_TASK_TIMEOUT_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1_000).max(120_000).optional()),
    /** How long `harness worker` waits for the server to answer at start. */
    HARNESS_CONNECT_TIMEOUT_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(60_000)),
    /**
     * Workflows kept in the worker's cache. Bounded, because runs park at the gate for days: 1,000
     * parked runs took 2 GB of worker RSS with the SDK's default; with this bound and the heap
     * ceiling below, 350 MB (bench).
     */
    HARNESS_MAX_CACHED_WORKFLOWS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(100)),
    /**
     * Heap ceiling of the worker's workflow thread, in MB: without one V8 lets it grow to gigabytes
     * before collecting. Leave room for the cache (about 1 MB per cached run).
     */
    HARNESS_WORKFLOW_HEAP_MB: z.preprocess(blankAsUndefined, z.coerce.number().int().min(64).default(160)),
    HARNESS_MAX_CONCURRENT_ACTIVITIES: z.preprocess(blankAsUndefined, z.coerce.number().int().positive().optional()),
    HARNESS_MAX_CONCURRENT_WORKFLOW_TASKS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(2).optional()),
    /** Client side: local or remote activities for every run it starts (`local`, `remote`, or tool=mode,...). */
    HARNESS_EXECUTION: z.preprocess(
      blankAsUndefined,
      z
        .string()
        .transform((text, ctx) => {
          try {
            return parseRunExecution(text);
          } catch (err) {
            ctx.addIssue({ code: 'custom', message: (err as Error).message });
            return z.NEVER;
          }
        })
        .optional(),
    ),
    /** Client side: per-run override of every heartbeating tool's heartbeat timeout. */
    HARNESS_HEARTBEAT_TIMEOUT_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(500).optional()),
    /** How long `harness approve|reject|resume|abort` waits for a worker to accept the update before sending the decision as a signal. */
    HARNESS_DECISION_WAIT_MS: positiveMs(10_000),
    /** Your workflows module (defineWorkflow exports): the worker runs them, clients start and read them. */
    HARNESS_WORKFLOWS: optionalText,
    /** Your tools module (implementTool exports): the worker registers them beside the built-in tools. */
    HARNESS_TOOLS: optionalText,
    /** Worker: the MCP servers file ({"mcpServers": {...}}) whose tools agents may use (`defineAgent({ mcpServers })`). */
    HARNESS_MCP_SERVERS: optionalText,
    /** Policy file: the client's default snapshot for new runs, and the worker's for runs started without one. */
    HARNESS_POLICY_FILE: optionalText,
    /** Who the CLI says started a run or approves it, when no flag says (default: $USER). */
    HARNESS_IDENTITY: optionalText,
    /** The approver's Ed25519 key (harness keys generate): approve and reject sign with it when no --key says. */
    HARNESS_SIGNING_KEY: optionalText,
    /** Worker: serve Prometheus metrics (the SDK's and the harness's) at host:port, e.g. 127.0.0.1:9464; off when unset. */
    HARNESS_METRICS_ADDRESS: z.preprocess(
      blankAsUndefined,
      z
        .string()
        .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
        .optional(),
    ),
    /** Worker: how often the open-run gauges (waiting for approval, paused on error) are read from visibility. */
    HARNESS_METRICS_POLL_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(100).default(15_000)),
    /** Worker: `text` (the SDK's lines) or `json` (one object per line, with run id, workflow id, tool and attempt). */
    HARNESS_LOG_FORMAT: z.preprocess(blankAsUndefined, z.enum(['text', 'json']).default('text')),
    /** Worker: the least severe level written (TRACE, DEBUG, INFO, WARN, ERROR). */
    HARNESS_LOG_LEVEL: z.preprocess(blankAsUndefined, z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO')),
    /** Payload encryption: `id:base64key` entries, comma-separated; the first encrypts, all decrypt (harness codec keygen). */
    HARNESS_CODEC_KEYS: optionalText,
    /** …or a file of such entries (one per line or comma-separated; mode 0600). */
    HARNESS_CODEC_KEYS_FILE: optionalText,
    /** `harness codec-server`: the bearer token every call must carry (unset: none, for loopback use). */
    HARNESS_CODEC_SERVER_TOKEN: optionalText,
    /** Fault injection for crash tests only (worker/fault-injection.ts): `crash_after_report_write` or `hang_in:<tool>`. */
    HARNESS_FAULT: z.preprocess(
      blankAsUndefined,
      z.union([z.literal('crash_after_report_write'), z.templateLiteral(['hang_in:', z.enum(TOOL_NAMES)])]).optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.HARNESS_MODEL_PROVIDER !== 'openai_compatible') return;
    const fallbacks = {
      HARNESS_MODEL_BASE_URL: ' (or HARNESS_OPENAI_BASE_URL, OPENAI_BASE_URL)',
      HARNESS_MODEL_API_KEY: ' (or HARNESS_OPENAI_API_KEY, OPENAI_API_KEY)',
      HARNESS_MODEL_NAME: ' (or MODEL_NAME)',
    };
    for (const [name, alias] of Object.entries(fallbacks) as [keyof typeof fallbacks, string][]) {
      if (!env[name])
        ctx.addIssue({ code: 'custom', path: [name], message: `required${alias} when HARNESS_MODEL_PROVIDER=openai_compatible` });
    }
  });
/** The validated settings, and the Temporal profile (address, namespace, TLS, API key) they were read with. */
export type HarnessEnv = z.infer<typeof HarnessEnv> & { temporalProfile: TemporalProfile };

/**
 * The seed harness's names for the same settings (67ailab/harness-engineering), so its users' files
 * keep working: each maps to one of ours and is read only when ours is unset.
 */
const SEED_NAMES = {
  MODEL_PROVIDER: 'HARNESS_MODEL_PROVIDER',
  MODEL_NAME: 'HARNESS_MODEL_NAME',
  HARNESS_OPENAI_BASE_URL: 'HARNESS_MODEL_BASE_URL',
  HARNESS_OPENAI_API_KEY: 'HARNESS_MODEL_API_KEY',
} as const;
/** The seed's provider names: its `mock` is our offline provider; it takes three spellings of the OpenAI API. */
const SEED_PROVIDERS: Record<string, string> = {
  mock: 'offline',
  offline: 'offline',
  openai_compatible: 'openai_compatible',
  'openai-compatible': 'openai_compatible',
  openai: 'openai_compatible',
};
/** The OpenAI SDK's own names for the endpoint and key, which the seed also reads from its `.env`. */
const OPENAI_NAMES = { OPENAI_BASE_URL: 'HARNESS_MODEL_BASE_URL', OPENAI_API_KEY: 'HARNESS_MODEL_API_KEY' } as const;
/** Names read from a `.env` file: ours, and the seed's. */
const readFromDotenv = (name: string) => name.startsWith('HARNESS_') || name in SEED_NAMES || name in OPENAI_NAMES;

/**
 * Configuration precedence: our names in a `.env` in the working directory, then our names in the
 * environment, then the seed's names (`.env`, then environment), then the OpenAI SDK's own names for
 * the endpoint and key (`.env`, then environment, as the seed reads them). A seed name whose value we cannot use, or that disagrees with ours, is an
 * error naming it, never silently ignored.
 */
export function effectiveVariables(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): NodeJS.ProcessEnv {
  const fromFile = dotenvVariables(path.join(cwd, '.env'));
  const merged: NodeJS.ProcessEnv = { ...source, ...fromFile };
  for (const [seed, ours] of Object.entries(SEED_NAMES)) {
    let value = merged[seed];
    if (!value) continue;
    if (seed === 'MODEL_PROVIDER') {
      value = SEED_PROVIDERS[value];
      if (!value)
        throw new ConfigError(`invalid configuration: ${seed}: use mock (offline), openai_compatible, openai-compatible or openai`);
    }
    const own = merged[ours];
    if (own && own !== value) {
      throw new ConfigError(
        `invalid configuration: ${seed} and ${ours} are both set and disagree: unset one (${ours} is this harness's name)`,
      );
    }
    merged[ours] = value;
  }
  // As the seed: a `.env`'s OPENAI_* (merged over the environment's) when no name of ours is set.
  for (const [openai, ours] of Object.entries(OPENAI_NAMES)) merged[ours] ||= merged[openai];
  return merged;
}

function dotenvVariables(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  let parsed: Record<string, string>;
  try {
    // A FIFO named .env would otherwise hang every command started in its folder.
    parsed = dotenv.parse(readRegularFileSync(file, { what: '.env file', maxBytes: 1_000_000 }).bytes);
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${err instanceof FileRefusedError ? err.reason : (err as Error).message}`);
  }
  return Object.fromEntries(Object.entries(parsed).filter(([name]) => readFromDotenv(name)));
}

export function readEnv(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): HarnessEnv {
  const variables = effectiveVariables(source, cwd);
  const temporalProfile = loadTemporalProfile(variables);
  // The profile decides address and namespace (file, then TEMPORAL_* variables); defaults below.
  const parsed = HarnessEnv.safeParse({
    ...variables,
    TEMPORAL_ADDRESS: temporalProfile.address,
    TEMPORAL_NAMESPACE: temporalProfile.namespace,
  });
  // Messages name variables, never their values: a key must not reach a terminal or a log.
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeZodError(parsed.error)}`);
  return { ...parsed.data, temporalProfile };
}
