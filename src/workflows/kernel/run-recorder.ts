/** Owns a run's state: every status change, step and trace event goes through here. */
import { proxySinks, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { HARNESS_STATUS } from '../../shared/search-attributes';
import { notifyEvent, notifyStatus } from './run-observers';
import type { RunState, RunStatus, StepResult, TraceEvent, TraceEventType } from '../../shared/run';
import type { PendingCall, RunSnapshot, SnapshotSinks } from '../../shared/run-snapshot';
import type { TokenUsage } from '../../shared/tools';

const { runSnapshot } = proxySinks<SnapshotSinks>();

export class RunRecorder {
  readonly state: RunState;
  /**
   * One object for the run's life, changed in place: a sink call hands over this very object, so
   * whatever the rest of the activation changes is in it too.
   */
  readonly snapshot: RunSnapshot;
  /**
   * Set when the run is about to continue as new: handlers that wait for the run to move (awaitGate,
   * awaitEvents) answer now, so the run's wait for its handlers to finish ends.
   */
  closing = false;

  constructor(runId: string, topic: string, startedBy: string | null = null) {
    this.state = {
      runId,
      topic,
      status: 'running',
      currentStep: null,
      plan: [],
      provider: null,
      pendingAction: null,
      decision: null,
      artifacts: {},
      steps: [],
      findings: [],
      error: null,
      pausedOn: null,
      policy: { name: 'builtin', digest: null },
      startedBy,
      usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0, reportedSteps: 0, unreportedSteps: 0, budget: null },
      trace: [],
    };
    this.snapshot = { state: this.state, sources: [], facts: [], draft: null, pendingCall: null };
  }

  setPendingCall(call: PendingCall | null): void {
    this.snapshot.pendingCall = call;
  }

  /** Replaying (a client rebuilding a closed run, or a worker after eviction): hand the snapshot over. */
  private publishWhileReplaying(): void {
    if (workflowInfo().unsafe.isReplaying) runSnapshot.replayed(this.snapshot);
  }

  /** Workflow time: the sandbox makes Date deterministic, so this replays identically. */
  now(): string {
    return new Date().toISOString();
  }

  event(type: TraceEventType, fields: Omit<TraceEvent, 'seq' | 'at' | 'type'> = {}): void {
    const event: TraceEvent = { seq: this.state.trace.length + 1, at: this.now(), type, ...fields };
    this.state.trace.push(event);
    notifyEvent(event, this.state);
    this.publishWhileReplaying();
  }

  setStatus(status: RunStatus): void {
    const previous = this.state.status;
    if (previous === status) return;
    this.state.status = status;
    notifyStatus(status, previous, this.state);
    upsertSearchAttributes([{ key: HARNESS_STATUS, value: status }]);
    this.publishWhileReplaying();
  }

  beginStep(tool: string): StepResult {
    const step: StepResult = { tool, status: 'running', attempts: 0, startedAt: this.now() };
    this.state.steps.push(step);
    this.state.currentStep = tool;
    return step;
  }

  endStep(step: StepResult, status: 'ok' | 'error', error?: string): void {
    step.status = status;
    step.finishedAt = this.now();
    step.durationMs = Date.parse(step.finishedAt) - Date.parse(step.startedAt);
    if (error) step.error = error;
  }

  /** Adds a model step's usage to the run's totals; null means the endpoint reported none, and is said so. */
  recordUsage(tool: string, usage: TokenUsage | null): void {
    const totals = this.state.usage;
    if (usage === null) {
      totals.unreportedSteps++;
      this.event('tokens_used', { tool, message: 'the endpoint reported no token usage; none is estimated' });
      return;
    }
    totals.promptTokens += usage.promptTokens;
    totals.completionTokens += usage.completionTokens;
    totals.totalTokens += usage.totalTokens;
    totals.reportedSteps++;
    this.event('tokens_used', { tool, data: { ...usage, runTotal: totals.totalTokens } });
  }

  /** Ends the run in a closed status (failed or cancelled) with its trace event. */
  close(status: 'failed' | 'cancelled', message: string): void {
    this.state.error = message;
    this.state.currentStep = null;
    this.state.pendingAction = null;
    this.state.pausedOn = null;
    this.setStatus(status);
    this.event(status === 'failed' ? 'run_failed' : 'run_cancelled', { message });
  }

  fail(message: string): void {
    this.close('failed', message);
  }
}
