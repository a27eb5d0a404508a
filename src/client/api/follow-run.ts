/**
 * Follows a run: yields its state each time it moves, until the run stops moving on its own (an
 * approval gate, a pause, the end). Between moves it waits on the run's own `awaitEvents` update,
 * which answers the moment a trace event is recorded, so a follower sees each model turn and tool
 * event as it happens without polling; a run whose worker predates that update is polled. While no
 * worker answers it reports that once and keeps following, as `temporal workflow … --follow` does.
 * The workflow id names the whole run: an agent session that continues as new is followed on, its
 * trace shown as one, the runs it continued from first (read from them, closed, when the follower
 * was not there for their last events).
 */
import { WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { awaitEventsUpdate, EventsWait, traceQuery } from '../../shared/messages';
import type { RunState, TraceEvent } from '../../shared/run';
import type { HarnessClient } from './connect';
import { readState } from './runs';

export type FollowUpdate = { kind: 'state'; state: RunState } | { kind: 'unanswered'; message: string };

const POLL_MS = 250;
/** A quiet run (a session between messages) is asked again after this. */
const QUIET_WAIT_MS = 5 * 60_000;
/** While a tool is in flight the whole state is read at least this often: its retries happen between events. */
const IN_FLIGHT_WAIT_MS = 2_000;

/** `signal` ends the follow at once, even mid-wait (a page closed, a server stopping). */
export async function* followRun(
  h: HarnessClient,
  run: WorkflowHandle,
  pollMs = POLL_MS,
  signal?: AbortSignal,
): AsyncGenerator<FollowUpdate> {
  let toldUnanswered = false;
  let pushed = true;
  // The current run's state as last read, with the events pushed since; null: read it again.
  let state: RunState | null = null;
  /** The run the cursor counts in, once an answer named it. */
  let runId: string | undefined;
  /** The whole trace of the runs this one continued from, as far as this follower saw them: what it shows first. */
  let earlier: TraceEvent[] = [];
  const shown = (current: RunState): FollowUpdate => ({ kind: 'state', state: { ...current, trace: [...earlier, ...current.trace] } });
  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  for (;;) {
    if (signal?.aborted) return;
    if (!state) {
      const read = await readState(h, run).catch((err: Error) => {
        if (toldUnanswered) return null;
        toldUnanswered = true;
        return err;
      });
      if (read instanceof Error) yield { kind: 'unanswered', message: read.message };
      if (!read || read instanceof Error) {
        await pause();
        continue;
      }
      toldUnanswered = false;
      state = read;
      yield shown(state);
      if (state.status !== 'running') return;
    }
    if (!pushed) {
      await pause();
      state = null;
      continue;
    }
    const next = await nextEvents(h, run, state.trace.length, runId, state.activeTools?.length ? IN_FLIGHT_WAIT_MS : QUIET_WAIT_MS, signal);
    if (next === 'unsupported') pushed = false;
    if (typeof next === 'string') {
      state = null;
      continue;
    }
    if (next.restarted && runId) {
      // The runs between the cursor's and this one handed over meanwhile: their whole traces, read from them, closed.
      let seen = state.trace;
      for (const closed of await chainBetween(h, run.workflowId, runId, next.runId)) {
        const trace = await h.client.workflow
          .getHandle(run.workflowId, closed)
          .query(traceQuery)
          .catch(() => seen);
        earlier = [...earlier, ...(trace.length >= seen.length ? trace : seen)];
        seen = [];
      }
    }
    runId = next.runId;
    state = {
      ...state,
      trace: [...(next.restarted ? [] : state.trace), ...next.events],
      status: next.status,
      currentStep: next.currentStep,
    };
    // Stopped (a gate, a pause, the end): the whole state is read again and shown, the gate's or the outcome's fields with it.
    if (next.status !== 'running') state = null;
    else yield shown(state);
  }
}

/** The events after `afterSeq`; `unsupported` when the run's worker predates the update, `again` when it did not answer in time. */
async function nextEvents(
  h: HarnessClient,
  run: WorkflowHandle,
  afterSeq: number,
  runId: string | undefined,
  waitMs: number,
  signal?: AbortSignal,
): Promise<EventsWait | 'unsupported' | 'again'> {
  const ask = () =>
    h.connection.withDeadline(Date.now() + waitMs, () =>
      run.executeUpdate(awaitEventsUpdate, { args: [{ afterSeq, ...(runId ? { runId } : {}) }] }),
    );
  try {
    return await (signal ? h.connection.withAbortSignal(signal, ask) : ask());
  } catch (err) {
    // A run of an older shape has no such handler: it is polled. Anything else (the wait, a lost worker): read again.
    return err instanceof WorkflowUpdateFailedError && /handler/i.test(err.cause?.message ?? '') ? 'unsupported' : 'again';
  }
}

/**
 * The runs of a workflow id from `first` up to (not including) `last`, oldest first, by each run's
 * `continuedExecutionRunId`; [first] when the chain cannot be read.
 */
async function chainBetween(h: HarnessClient, workflowId: string, first: string, last: string): Promise<string[]> {
  const chain: string[] = [];
  let current = last;
  // A session continues as new every few thousand events: a follower falls behind by a run or two, not a hundred.
  for (let hops = 0; hops < 100; hops++) {
    const history = await h.client.workflow
      .getHandle(workflowId, current)
      .fetchHistory()
      .catch(() => null);
    const previous = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return [first];
    chain.unshift(previous);
    if (previous === first) return chain;
    current = previous;
  }
  return [first];
}
