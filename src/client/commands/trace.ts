/** `harness trace ID`: the run's trace events, optionally filtered and tailed. */
import { formatTraceEvent, printJson } from '../format';
import { existingRun, readState } from '../runs';
import { withClient } from '../with-client';

export async function traceCommand(id: string, options: { event?: string; tail?: number; json?: boolean }): Promise<void> {
  await withClient(async (h) => {
    let events = (await readState(h, await existingRun(h, id))).trace;
    if (options.event) events = events.filter((e) => e.type === options.event);
    if (options.tail !== undefined) events = events.slice(-options.tail);
    if (options.json) printJson(events);
    else process.stdout.write(events.map((e) => `${formatTraceEvent(e)}\n`).join(''));
  });
}
