/**
 * Heartbeats for tools that declare a heartbeat timeout: while the work runs, the activity
 * reports liveness a few times per timeout, so a dead worker is noticed in seconds.
 */
import { Context } from '@temporalio/activity';

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // Called outside an activity (unit tests): nothing to heartbeat.
  }
}

export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = activityContext();
  const timeoutMs = context?.info.heartbeatTimeoutMs;
  if (!context || !timeoutMs) return work();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), Math.max(100, Math.min(2_000, timeoutMs / 3)));
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
