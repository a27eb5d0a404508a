/** Reads and validates the process environment once: Temporal connection, output root, model. */
import { z } from 'zod';
import { DEFAULT_NAMESPACE, DEFAULT_OUTPUT_DIR, DEFAULT_TASK_QUEUE, DEFAULT_TEMPORAL_ADDRESS } from '../shared/constants';
import { describeZodError } from '../shared/tools';

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalText = z.preprocess(blankAsUndefined, z.string().optional());
const positiveMs = (fallback: number) => z.preprocess(blankAsUndefined, z.coerce.number().int().positive().default(fallback));

const HarnessEnv = z
  .object({
    TEMPORAL_ADDRESS: z.preprocess(blankAsUndefined, z.string().default(DEFAULT_TEMPORAL_ADDRESS)),
    TEMPORAL_NAMESPACE: z.preprocess(blankAsUndefined, z.string().default(DEFAULT_NAMESPACE)),
    HARNESS_TASK_QUEUE: z.preprocess(blankAsUndefined, z.string().default(DEFAULT_TASK_QUEUE)),
    HARNESS_OUTPUT_DIR: z.preprocess(blankAsUndefined, z.string().default(DEFAULT_OUTPUT_DIR)),
    HARNESS_MODEL_PROVIDER: z.preprocess(blankAsUndefined, z.enum(['offline', 'openai_compatible']).default('offline')),
    OPENAI_BASE_URL: z.preprocess(blankAsUndefined, z.string().url().optional()),
    OPENAI_API_KEY: optionalText,
    HARNESS_MODEL_NAME: optionalText,
    HARNESS_MODEL_TIMEOUT_MS: positiveMs(60_000),
    /** Simulated model latency of the offline provider per model step (demos, chaos, benchmarks). */
    HARNESS_OFFLINE_LATENCY_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(0)),
    /** How long a workflow task waits on a dead worker's sticky queue before any worker may take it. */
    HARNESS_STICKY_QUEUE_TIMEOUT_MS: positiveMs(3_000),
    /** How long `harness worker` waits for the server to answer at start. */
    HARNESS_CONNECT_TIMEOUT_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).default(60_000)),
    HARNESS_MAX_CACHED_WORKFLOWS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).optional()),
    HARNESS_MAX_CONCURRENT_ACTIVITIES: z.preprocess(blankAsUndefined, z.coerce.number().int().positive().optional()),
    HARNESS_MAX_CONCURRENT_WORKFLOW_TASKS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(2).optional()),
    /** Client side: per-run override of every heartbeating tool's heartbeat timeout. */
    HARNESS_HEARTBEAT_TIMEOUT_MS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(500).optional()),
    /** Policy file: the client's default snapshot for new runs, and the worker's for runs started without one. */
    HARNESS_POLICY_FILE: optionalText,
    /** Who the CLI says started a run or approves it, when no flag says (default: $USER). */
    HARNESS_IDENTITY: optionalText,
    /** Fault injection for crash tests only: `crash_after_report_write` kills the worker mid-finalize. */
    HARNESS_FAULT: z.preprocess(blankAsUndefined, z.enum(['crash_after_report_write']).optional()),
  })
  .superRefine((env, ctx) => {
    if (env.HARNESS_MODEL_PROVIDER !== 'openai_compatible') return;
    for (const name of ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'HARNESS_MODEL_NAME'] as const) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required when HARNESS_MODEL_PROVIDER=openai_compatible' });
    }
  });
export type HarnessEnv = z.infer<typeof HarnessEnv>;

export class ConfigError extends Error {}

export function readEnv(source: NodeJS.ProcessEnv = process.env): HarnessEnv {
  const parsed = HarnessEnv.safeParse(source);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
