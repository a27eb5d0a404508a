/** `harness trace ID`: the run's trace events, optionally filtered and tailed. */
import { TRACE_EVENT_TYPES, TraceEventType } from '../../../shared/run';
import { HarnessError } from '../../api/harness-error';
import { formatTraceEvent, printJson } from '../format';
import { existingRun, readState } from '../../api/runs';
import { withClient } from '../../api/with-client';
import { say } from '../terminal';

export async function traceCommand(id: string, options: { event?: string; tail?: number; json?: boolean }): Promise<void> {
  if (options.event && !TRACE_EVENT_TYPES.includes(options.event as TraceEventType)) {
    throw new HarnessError(`unknown event type "${options.event}": use one of ${TRACE_EVENT_TYPES.join(', ')}`);
  }
  await withClient(async (h) => {
    let events = (await readState(h, await existingRun(h, id))).trace;
    if (options.event) events = events.filter((e) => e.type === options.event);
    if (options.tail !== undefined) events = events.slice(-options.tail);
    if (options.json) printJson(events);
    else say(events.map((e) => `${formatTraceEvent(e)}\n`).join(''));
  });
}
