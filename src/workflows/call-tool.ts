/**
 * Calls one tool as a Temporal activity under the tool's own retry policy. The loop lives in
 * the workflow (each activity is scheduled with a single attempt) so that every attempt and
 * its error become typed trace events and step results, visible in queries and in history.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities, sleep, TimeoutFailure } from '@temporalio/workflow';
import { backoffMs, shouldRetry } from '../shared/retry';
import { TOOLS, ToolActivities, ToolInput, ToolName, ToolOutput } from '../shared/tools';
import type { RunRecorder } from './run-recorder';

export interface CallOptions {
  /** Replaces the heartbeat timeout of tools that declare one. */
  heartbeatTimeoutMs?: number;
}

/** One proxy per tool, because each tool has its own timeouts. */
function activityFor<N extends ToolName>(name: N, options: CallOptions): (input: ToolInput<N>) => Promise<ToolOutput<N>> {
  const tool = TOOLS[name];
  const proxies = proxyActivities<ToolActivities>({
    startToCloseTimeout: tool.startToCloseTimeoutMs,
    heartbeatTimeout: tool.heartbeatTimeoutMs && (options.heartbeatTimeoutMs ?? tool.heartbeatTimeoutMs),
    retry: { maximumAttempts: 1 },
  });
  return proxies[name] as (input: ToolInput<N>) => Promise<ToolOutput<N>>;
}

interface FailureSummary {
  type?: string;
  message: string;
  nonRetryable: boolean;
  /** The activity's own hint (a model's Retry-After, in details[0].retryAfterMs): wait at least this long. */
  retryAfterMs?: number;
}

function summarize(err: unknown): FailureSummary {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const hint = (cause.details?.[0] as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    const retryAfterMs = typeof hint === 'number' ? hint : undefined;
    return { type: cause.type ?? undefined, message: cause.message, nonRetryable: Boolean(cause.nonRetryable), retryAfterMs };
  }
  if (cause instanceof TimeoutFailure) {
    // A lost worker shows up here: its attempt times out (heartbeat or start-to-close).
    return { type: 'Timeout', message: cause.message || 'activity timed out', nonRetryable: false };
  }
  return { message: cause instanceof Error ? cause.message : String(cause), nonRetryable: false };
}

/**
 * Thrown when a tool has failed for good (its attempts spent, or a non-retryable error). The tool
 * path pauses the run for an operator on it; anything else turns it into status `failed`.
 */
export class ToolFailedError extends Error {
  constructor(
    message: string,
    /** What the operator is shown when the run pauses on this failure. */
    readonly failure?: { tool: ToolName; error: string; attempts: number },
  ) {
    super(message);
  }
}

/** The tool's result, or ToolFailedError once its retry policy gives up. */
export async function callTool<N extends ToolName>(
  run: RunRecorder,
  name: N,
  input: ToolInput<N>,
  options: CallOptions = {},
): Promise<ToolOutput<N>> {
  const policy = TOOLS[name].retry;
  const step = run.beginStep(name);
  for (let attempt = 1; ; attempt++) {
    step.attempts = attempt;
    run.event('tool_start', { tool: name, attempt });
    try {
      const output = await activityFor(name, options)(input);
      run.endStep(step, 'ok');
      run.event('tool_ok', { tool: name, attempt });
      return output;
    } catch (err) {
      const failure = summarize(err);
      const error = failure.type ? `${failure.type}: ${failure.message}` : failure.message;
      const retrying = shouldRetry(policy, attempt, failure.type, failure.nonRetryable);
      const delayMs = Math.max(backoffMs(policy, attempt + 1), failure.retryAfterMs ?? 0);
      run.event('tool_error', { tool: name, attempt, message: error, data: { retrying, ...(retrying ? { retryInMs: delayMs } : {}) } });
      if (!retrying) {
        run.endStep(step, 'error', error);
        throw new ToolFailedError(`${name} failed after ${attempt} attempt(s): ${error}`, { tool: name, error, attempts: attempt });
      }
      await sleep(delayMs);
    }
  }
}
