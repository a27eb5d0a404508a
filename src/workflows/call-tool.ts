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
  /**
   * What a tool that failed for good does: wait for an operator (resume retries the step from
   * scratch, abort fails the run), or throw at once (for calls made inside an update handler).
   */
  onFailure?: OperatorPause | 'throw';
}

/** Parks the run until an operator decides; returns 'resume' or 'abort'. */
export type OperatorPause = (tool: ToolName, error: string, attempts: number) => Promise<'resume' | 'abort'>;

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

/** Thrown to the run when a tool has failed for good; the run turns it into status `failed`. */
export class ToolFailedError extends Error {}

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
        const summary = `${name} failed after ${attempt} attempt(s): ${error}`;
        if (!options.onFailure || options.onFailure === 'throw') throw new ToolFailedError(summary);
        if ((await options.onFailure(name, error, attempt)) === 'abort') throw new ToolFailedError(`${summary} (aborted by an operator)`);
        return callTool(run, name, input, options);
      }
      await sleep(delayMs);
    }
  }
}
