/** `harness trace ID` (alias `history`): the run's trace events, optionally filtered and tailed. */
import { TRACE_EVENT_TYPES, TraceEventType } from '../../../shared/run';
import { HarnessError } from '../../api/harness-error';
import { formatTraceEvent, printJson } from '../format';
import { RunRef, stateOf } from '../read-run';
import { say } from '../terminal';

export async function traceCommand(ref: RunRef, options: { event?: string; tail?: number; json?: boolean }): Promise<void> {
  if (options.event && !TRACE_EVENT_TYPES.includes(options.event as TraceEventType)) {
    throw new HarnessError(`unknown event type "${options.event}": use one of ${TRACE_EVENT_TYPES.join(', ')}`);
  }
  let events = (await stateOf(ref)).state.trace;
  if (options.event) events = events.filter((e) => e.type === options.event);
  if (options.tail !== undefined) events = events.slice(-options.tail);
  if (options.json) printJson(events);
  else say(events.map((e) => `${formatTraceEvent(e)}\n`).join(''));
}
