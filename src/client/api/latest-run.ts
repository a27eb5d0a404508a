/**
 * `--latest`: the most recently started run (research run or tool call) on the client's task queue, found through
 * visibility. Visibility lists open runs first (newest start first), then closed runs by close time,
 * newest first; so the scan stops at the first closed run that closed before the best start seen:
 * every run after it started earlier still.
 */
import { HARNESS_RUNS_QUERY } from '../../shared/constants';
import type { HarnessClient } from './connect';
import { HarnessError } from './harness-error';

export async function latestRunId(h: HarnessClient): Promise<string> {
  const taskQueue = h.env.HARNESS_TASK_QUEUE;
  let best: { workflowId: string; startMs: number } | null = null;
  for await (const run of h.client.workflow.list({ query: `${HARNESS_RUNS_QUERY} AND TaskQueue = '${taskQueue}'` })) {
    if (best && run.closeTime && run.closeTime.getTime() < best.startMs) break;
    if (!best || run.startTime.getTime() > best.startMs) best = { workflowId: run.workflowId, startMs: run.startTime.getTime() };
  }
  if (!best) throw new HarnessError(`no runs yet on task queue ${taskQueue}: start one with \`harness start --topic ...\``);
  return best.workflowId;
}
