/**
 * Calls one tool as a Temporal activity under the tool's own retry policy. New runs give the
 * policy to Temporal: the activity is scheduled with it (history and Temporal Web show exactly the
 * tool's policy, `temporal activity pause|unpause|reset` work on it, a model's Retry-After is the
 * failure's next-retry delay), the activity reports the attempt that answered, and the run records
 * `tool_ok` with it or `tool_error` when the tool fails for good. Runs started before that
 * (`patched('server-retries')` false) keep the workflow-side loop they began with: one attempt
 * per activity, a durable timer between attempts.
 */
import { RetryState } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, proxyActivities, proxyLocalActivities, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { ToolExecution } from '../../shared/execution';
import { toolSummary } from '../../shared/tool-summaries';
import { backoffMs, shouldRetry } from '../../shared/retry';
import { checkedResult, temporalRetryPolicy, TOOLS, ToolActivities, ToolInput, ToolName, ToolOutput, ToolResult } from '../../shared/tools';
import type { StepResult } from '../../shared/run';
import type { RunRecorder } from './run-recorder';

export interface CallOptions {
  /** Replaces the heartbeat timeout of tools that declare one. */
  heartbeatTimeoutMs?: number;
  /** Temporal retries the tool under its policy (new runs); false: the workflow's own loop (older runs). */
  serverRetries?: boolean;
  /** Each tool's mode, resolved once per run (execution.ts); absent (runs before local tools): every tool remote. */
  execution?: Record<ToolName, ToolExecution>;
  /** Each result is checked against the tool's output schema and its claims (`patched('checked-results')`); false in older runs. */
  checkedResults?: boolean;
}

/** The mode this run resolved for the tool (research-run.ts); remote in runs from before local tools. */
const modeOf = (name: ToolName, options: CallOptions): ToolExecution => options.execution?.[name] ?? 'remote';

/**
 * Runs the tool as an activity with its own timeouts, retry policy and mode; the summary (user
 * metadata, not part of the command sequence) names it and its key argument in Temporal Web.
 */
function runActivity<N extends ToolName>(name: N, options: CallOptions, input: ToolInput<N>): Promise<ToolResult<N>> {
  const tool = TOOLS[name];
  const summary = toolSummary(name, input);
  if (modeOf(name, options) === 'local') {
    // No heartbeat: a local activity lives inside the workflow task, which Temporal keeps alive itself.
    const local = proxyLocalActivities<ToolActivities>({
      startToCloseTimeout: tool.startToCloseTimeoutMs,
      retry: temporalRetryPolicy(tool.retry),
      summary,
    });
    return (local[name] as (input: ToolInput<N>) => Promise<ToolResult<N>>)(input);
  }
  const proxies = proxyActivities<ToolActivities>({
    startToCloseTimeout: tool.startToCloseTimeoutMs,
    heartbeatTimeout: tool.heartbeatTimeoutMs && (options.heartbeatTimeoutMs ?? tool.heartbeatTimeoutMs),
    retry: options.serverRetries ? temporalRetryPolicy(tool.retry) : { maximumAttempts: 1 },
    summary,
  });
  return (proxies[name] as (input: ToolInput<N>) => Promise<ToolResult<N>>)(input);
}

/** The tool's output without the attempt the activity reported. */
function outputOf<N extends ToolName>(result: ToolResult<N>): ToolOutput<N> {
  const { attempt: _attempt, ...output } = result;
  return output as ToolOutput<N>;
}

interface FailureSummary {
  type?: string;
  message: string;
  nonRetryable: boolean;
  /** The activity's own hint (a model's Retry-After, in details[0].retryAfterMs): wait at least this long. */
  retryAfterMs?: number;
  /** The attempt the failure ended in, as the activity reported it (details[0].attempt). */
  attempt?: number;
  /** Why the server stopped retrying (server-side retries only). */
  retryState?: RetryState;
}

function summarize(err: unknown): FailureSummary {
  const retryState = err instanceof ActivityFailure ? err.retryState : undefined;
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const detail = (cause.details?.[0] ?? {}) as { retryAfterMs?: unknown; attempt?: unknown };
    const retryAfterMs = typeof detail.retryAfterMs === 'number' ? detail.retryAfterMs : undefined;
    const attempt = typeof detail.attempt === 'number' ? detail.attempt : undefined;
    return {
      type: cause.type ?? undefined,
      message: cause.message,
      nonRetryable: Boolean(cause.nonRetryable),
      retryAfterMs,
      attempt,
      retryState,
    };
  }
  if (cause instanceof TimeoutFailure) {
    // A lost worker shows up here: its attempt times out (heartbeat or start-to-close).
    return { type: 'Timeout', message: cause.message || 'activity timed out', nonRetryable: false, retryState };
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
  return options.serverRetries ? callRetriedByServer(run, name, input, options) : callRetriedHere(run, name, input, options);
}

/** One activity with the tool's retry policy: Temporal runs the attempts and their backoff. */
async function callRetriedByServer<N extends ToolName>(
  run: RunRecorder,
  name: N,
  input: ToolInput<N>,
  options: CallOptions,
): Promise<ToolOutput<N>> {
  const execution = modeOf(name, options);
  const step = run.beginStep(name);
  step.attempts = 1;
  if (options.execution) step.execution = execution;
  run.event('tool_start', { tool: name, attempt: 1, ...(options.execution ? { data: { execution } } : {}) });
  let result: ToolResult<N>;
  try {
    result = await runActivity(name, options, input);
  } catch (err) {
    const failure = summarize(err);
    const error = failure.type ? `${failure.type}: ${failure.message}` : failure.message;
    // A timed-out last attempt cannot report itself; spent attempts mean the policy's maximum.
    const spent = failure.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED ? TOOLS[name].retry.maximumAttempts : 1;
    step.attempts = failure.attempt ?? spent;
    run.event('tool_error', {
      tool: name,
      attempt: step.attempts,
      message: error,
      data: { retrying: false, retryState: failure.retryState ?? null },
    });
    failedForGood(run, step, name, error);
  }
  step.attempts = typeof result?.attempt === 'number' ? result.attempt : 1;
  if (!options.checkedResults) {
    run.endStep(step, 'ok');
    run.event('tool_ok', { tool: name, attempt: step.attempts });
    return outputOf(result);
  }
  const checked = checkedResult(name, input, result);
  if (checked.problem !== null) {
    // Whoever completed the activity (a forged `temporal activity complete`, a buggy worker) is not believed.
    const error = `${RESULT_REFUSED}: ${checked.problem}`;
    run.event('tool_error', { tool: name, attempt: step.attempts, message: error, data: { retrying: false, resultRefused: true } });
    failedForGood(run, step, name, error);
  }
  run.endStep(step, 'ok');
  run.event('tool_ok', { tool: name, attempt: step.attempts });
  return checked.output;
}

/** The error type of a result the workflow refused to believe. */
export const RESULT_REFUSED = 'ToolResultRefused';

/** Closes the step and hands the failure to the tool path, which pauses the run for an operator. */
function failedForGood(run: RunRecorder, step: StepResult, name: ToolName, error: string): never {
  run.endStep(step, 'error', error);
  throw new ToolFailedError(`${name} failed after ${step.attempts} attempt(s): ${error}`, { tool: name, error, attempts: step.attempts });
}

/** Runs from before server-side retries: one attempt per activity, the loop and its timers here. */
async function callRetriedHere<N extends ToolName>(
  run: RunRecorder,
  name: N,
  input: ToolInput<N>,
  options: CallOptions,
): Promise<ToolOutput<N>> {
  const policy = TOOLS[name].retry;
  const step = run.beginStep(name);
  for (let attempt = 1; ; attempt++) {
    step.attempts = attempt;
    run.event('tool_start', { tool: name, attempt });
    try {
      const result = await runActivity(name, options, input);
      run.endStep(step, 'ok');
      run.event('tool_ok', { tool: name, attempt });
      return outputOf(result);
    } catch (err) {
      const failure = summarize(err);
      const error = failure.type ? `${failure.type}: ${failure.message}` : failure.message;
      const retrying = shouldRetry(policy, attempt, failure.type, failure.nonRetryable);
      const delayMs = Math.max(backoffMs(policy, attempt + 1), failure.retryAfterMs ?? 0);
      run.event('tool_error', { tool: name, attempt, message: error, data: { retrying, ...(retrying ? { retryInMs: delayMs } : {}) } });
      if (!retrying) failedForGood(run, step, name, error);
      await sleep(delayMs, { summary: `retry backoff: ${name} attempt ${attempt + 1} in ${delayMs} ms` });
    }
  }
}
