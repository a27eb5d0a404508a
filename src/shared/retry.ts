/** Pure retry arithmetic for the workflow's tool loop, kept apart so it is unit-testable. */
import type { ToolRetryPolicy } from './tool-contract';

/** Delay before attempt `nextAttempt` (2, 3, ...): initial * coefficient^(n-2), capped. */
export function backoffMs(policy: ToolRetryPolicy, nextAttempt: number): number {
  const delay = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, Math.max(0, nextAttempt - 2));
  return Math.min(delay, policy.maximumIntervalMs);
}

export function shouldRetry(policy: ToolRetryPolicy, attempt: number, errorType: string | undefined, nonRetryable: boolean): boolean {
  if (nonRetryable) return false;
  if (errorType && policy.nonRetryableErrorTypes.includes(errorType)) return false;
  return attempt < policy.maximumAttempts;
}
