/**
 * Listeners to every run's trace events, inside the workflow sandbox. The traced bundle's span
 * builder and the metrics registered by the worker listen here, so the workflow code itself says
 * nothing about telemetry. Listeners must be deterministic and issue no commands: they run on
 * replay too (their outputs, sinks and the SDK's metric meter, are dropped while replaying).
 */
import type { RunState, TraceEvent } from '../shared/run';

export type RunObserver = (event: TraceEvent, state: RunState) => void;

const observers: RunObserver[] = [];

/** Called once, at module load, by an interceptor module of the bundle. */
export function observeRuns(observer: RunObserver): void {
  observers.push(observer);
}

export function notifyRunObservers(event: TraceEvent, state: RunState): void {
  for (const observer of observers) observer(event, state);
}
