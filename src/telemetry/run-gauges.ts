/**
 * How many runs wait for approval or sit paused on error right now, from Temporal's visibility
 * store rather than from counters: a worker that dies cannot leave a gauge behind, and every
 * worker reports the same cluster-wide number (alerts take the max over workers).
 */
import { Client } from '@temporalio/client';
import { Runtime, type NativeConnection } from '@temporalio/worker';
import { HARNESS_RUNS_QUERY, STATUS_SEARCH_ATTRIBUTE } from '../shared/constants';

export const GAUGED_STATUSES = ['waiting_approval', 'paused_on_error', 'running'] as const;

export interface RunGauges {
  stop(): void;
}

export function startRunGauges(connection: NativeConnection, namespace: string, everyMs: number): RunGauges {
  const client = new Client({ connection, namespace });
  const gauge = Runtime.instance().metricMeter.createGauge('harness_runs_open', 'int', 'runs', 'Open runs by status (from visibility)');
  const poll = async () => {
    for (const status of GAUGED_STATUSES) {
      const query = `${HARNESS_RUNS_QUERY} AND ExecutionStatus = 'Running' AND ${STATUS_SEARCH_ATTRIBUTE} = '${status}'`;
      const { count } = await client.workflow.count(query);
      gauge.set(count, { status });
    }
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    if (stopped) return;
    // A failed count (server restarting) keeps the last values; the next poll tries again.
    poll()
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, everyMs);
      });
  };
  loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
