/**
 * Listeners to every run's trace events and status changes, inside the workflow sandbox. The
 * traced bundle's span builder and the run metrics listen here, so the workflow code itself says
 * nothing about telemetry. Listeners must be deterministic and issue no commands: they run on
 * replay too (their outputs, the span sink and the SDK's metric meter, are dropped while replaying).
 */
import type { RunState, RunStatus, TraceEvent } from '../../shared/run';

export interface RunObserver {
  event?(event: TraceEvent, state: RunState): void;
  status?(status: RunStatus, previous: RunStatus, state: RunState): void;
}

const observers: RunObserver[] = [];

/** Called once, at module load, by a module of the bundle. */
export function observeRuns(observer: RunObserver): void {
  observers.push(observer);
}

export function notifyEvent(event: TraceEvent, state: RunState): void {
  for (const observer of observers) observer.event?.(event, state);
}

export function notifyStatus(status: RunStatus, previous: RunStatus, state: RunState): void {
  for (const observer of observers) observer.status?.(status, previous, state);
}
