/** Retry arithmetic of the workflow's tool loop. */
import { backoffMs, shouldRetry } from '../../src/shared/retry';
import type { ToolRetryPolicy } from '../../src/shared/tool-contract';

const policy: ToolRetryPolicy = {
  maximumAttempts: 4,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maximumIntervalMs: 3000,
  nonRetryableErrorTypes: ['Bad'],
};

test('backoff grows by the coefficient and is capped', () => {
  expect([2, 3, 4, 5].map((n) => backoffMs(policy, n))).toEqual([1000, 2000, 3000, 3000]);
});

test('retries until the attempt budget, never for non-retryable failures', () => {
  expect(shouldRetry(policy, 1, 'Transient', false)).toBe(true);
  expect(shouldRetry(policy, 4, 'Transient', false)).toBe(false);
  expect(shouldRetry(policy, 1, 'Bad', false)).toBe(false);
  expect(shouldRetry(policy, 1, undefined, true)).toBe(false);
});
