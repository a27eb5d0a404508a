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
import { backoffMs, shouldRetry } from '../../shared/retry';
import { AnyTool, checkedResult, InputOf, OutputOf, temporalRetryPolicy, toolSummary } from '../../shared/tool-contract';
import type { StepResult } from '../../shared/run';
import type { RunRecorder } from './run-recorder';

export interface CallOptions {
  /** Replaces the heartbeat timeout of tools that declare one. */
  heartbeatTimeoutMs?: number;
  /** Temporal retries the tool under its policy (new runs); false: the workflow's own loop (older runs). */
  serverRetries?: boolean;
  /** Each tool's mode, resolved once per run (execution.ts); absent (runs before local tools): every tool remote. */
  execution?: Record<string, ToolExecution>;
  /** Each result is checked against the tool's output schema and its claims (`patched('checked-results')`); false in older runs. */
  checkedResults?: boolean;
}

/** The mode this run resolved for the tool (research-run.ts); remote in runs from before local tools. */
const modeOf = (tool: AnyTool, options: CallOptions): ToolExecution =>
  (options.execution && Object.hasOwn(options.execution, tool.name) ? options.execution[tool.name] : undefined) ?? 'remote';

/** What an activity returns: the tool's output and the attempt that produced it (absent from activities of older workers). */
type ResultOf<T extends AnyTool> = OutputOf<T> & { attempt?: number };
type ToolActivity = (input: unknown) => Promise<unknown>;

/**
 * Runs the tool as an activity with its own timeouts, retry policy and mode; the summary (user
 * metadata, not part of the command sequence) names it and its key argument in Temporal Web.
 */
function runActivity<T extends AnyTool>(tool: T, options: CallOptions, input: InputOf<T>): Promise<ResultOf<T>> {
  const summary = toolSummary(tool, input);
  if (modeOf(tool, options) === 'local') {
    // No heartbeat: a local activity lives inside the workflow task, which Temporal keeps alive itself.
    const local = proxyLocalActivities<Record<string, ToolActivity>>({
      startToCloseTimeout: tool.startToCloseTimeoutMs,
      retry: temporalRetryPolicy(tool.retry),
      summary,
    });
    return local[tool.name](input) as Promise<ResultOf<T>>;
  }
  const proxies = proxyActivities<Record<string, ToolActivity>>({
    startToCloseTimeout: tool.startToCloseTimeoutMs,
    heartbeatTimeout: tool.heartbeatTimeoutMs && (options.heartbeatTimeoutMs ?? tool.heartbeatTimeoutMs),
    retry: options.serverRetries ? temporalRetryPolicy(tool.retry) : { maximumAttempts: 1 },
    summary,
  });
  return proxies[tool.name](input) as Promise<ResultOf<T>>;
}

/** The tool's output without the attempt the activity reported. */
function outputOf<T extends AnyTool>(result: ResultOf<T>): OutputOf<T> {
  const { attempt: _attempt, ...output } = result as Record<string, unknown>;
  return output as OutputOf<T>;
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
    readonly failure?: { tool: string; error: string; attempts: number },
  ) {
    super(message);
  }
}

/** The tool's result, or ToolFailedError once its retry policy gives up. */
export function callTool<T extends AnyTool>(run: RunRecorder, tool: T, input: InputOf<T>, options: CallOptions = {}): Promise<OutputOf<T>> {
  return options.serverRetries ? callRetriedByServer(run, tool, input, options) : callRetriedHere(run, tool, input, options);
}

/** One activity with the tool's retry policy: Temporal runs the attempts and their backoff. */
async function callRetriedByServer<T extends AnyTool>(
  run: RunRecorder,
  tool: T,
  input: InputOf<T>,
  options: CallOptions,
): Promise<OutputOf<T>> {
  const { name } = tool;
  const execution = modeOf(tool, options);
  const step = run.beginStep(name);
  step.attempts = 1;
  if (options.execution) step.execution = execution;
  run.event('tool_start', { tool: name, attempt: 1, ...(options.execution ? { data: { execution } } : {}) });
  let result: ResultOf<T>;
  try {
    result = await runActivity(tool, options, input);
  } catch (err) {
    const failure = summarize(err);
    const error = failure.type ? `${failure.type}: ${failure.message}` : failure.message;
    // A timed-out last attempt cannot report itself; spent attempts mean the policy's maximum.
    const spent = failure.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED ? tool.retry.maximumAttempts : 1;
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
  const checked = checkedResult(tool, input, result);
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
function failedForGood(run: RunRecorder, step: StepResult, name: string, error: string): never {
  run.endStep(step, 'error', error);
  throw new ToolFailedError(`${name} failed after ${step.attempts} attempt(s): ${error}`, { tool: name, error, attempts: step.attempts });
}

/** Runs from before server-side retries: one attempt per activity, the loop and its timers here. */
async function callRetriedHere<T extends AnyTool>(
  run: RunRecorder,
  tool: T,
  input: InputOf<T>,
  options: CallOptions,
): Promise<OutputOf<T>> {
  const { name, retry: policy } = tool;
  const step = run.beginStep(name);
  for (let attempt = 1; ; attempt++) {
    step.attempts = attempt;
    run.event('tool_start', { tool: name, attempt });
    try {
      const result = await runActivity(tool, options, input);
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
