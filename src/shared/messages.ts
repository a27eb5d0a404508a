/** Signals, updates and queries of the research run; wire names are what tctl, temporal CLI and Temporal Web use. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovePayload, OperatorPayload, PendingAction, RejectPayload, RunState, RunStatus, TraceEvent } from './run';
import type { RunSnapshot } from './run-snapshot';

/** Signal payloads arrive unvalidated from any client (tctl, Web UI), so handlers take `unknown`. */
export const approveSignal = defineSignal<[unknown?]>('approve');
export const rejectSignal = defineSignal<[unknown?]>('reject');
export const resumeSignal = defineSignal<[unknown?]>('resume');
export const abortSignal = defineSignal<[unknown?]>('abort');

/** What an accepted update returns to its caller; a refused one fails with the reason instead. */
export interface UpdateOutcome {
  status: RunStatus;
  message: string;
  stillNeeded?: number;
  digest?: string;
}

/** Updates: the same decisions, validated synchronously so the caller gets the refusal back. */
export const approveUpdate = defineUpdate<UpdateOutcome, [ApprovePayload]>('approve');
export const rejectUpdate = defineUpdate<UpdateOutcome, [RejectPayload]>('reject');
export const resumeUpdate = defineUpdate<UpdateOutcome, [OperatorPayload]>('resume');
export const abortUpdate = defineUpdate<UpdateOutcome, [OperatorPayload]>('abort');

/** What `awaitGate` answers: the run's status and, at a gate, what waits for approval. */
export interface GateWait {
  status: RunStatus;
  pendingAction: PendingAction | null;
}
/**
 * Waits until the run reaches a gate later than `afterGate` (default 0: any gate) or stops moving
 * on its own (paused, ended): an approver learns about a gate the moment it opens, without polling.
 */
export const awaitGateUpdate = defineUpdate<GateWait, [{ afterGate?: number }]>('awaitGate');

/** What `awaitEvents` answers: the trace events after the cursor (at most 500) and where the run stands. */
export interface EventsWait {
  events: TraceEvent[];
  /** The run that answered. */
  runId: string;
  /** The cursor was another run's (the one this one continued from): `events` start at this run's first. */
  restarted: boolean;
  status: RunStatus;
  currentStep: string | null;
  /** The run is handing over to the run it continues as (an agent session): follow the workflow id on. */
  continuing: boolean;
}
/**
 * Waits until the trace holds events after `afterSeq` (or the run stops moving on its own, or
 * continues as new) and answers them: a follower sees each turn and tool event as it happens,
 * without polling, and the events a run recorded up to its continue-as-new.
 */
export const awaitEventsUpdate = defineUpdate<EventsWait, [{ afterSeq: number; runId?: string }]>('awaitEvents');

export const stateQuery = defineQuery<RunState>('state');
export const traceQuery = defineQuery<TraceEvent[]>('trace');
export const pendingQuery = defineQuery<PendingAction | null>('pending');
/** The state with the run's sources, facts, draft and the whole pending call: what `harness export` keeps. */
export const snapshotQuery = defineQuery<RunSnapshot>('snapshot');

export const DESCRIPTIONS = {
  approve:
    'Approve the pending tool call (query "pending" shows it). JSON {"approver"?: string, "comment"?: string, "digest"?: the pending digest, "edit"?: replacement report or arguments (update only)}.',
  reject: 'Reject the pending tool call; the run ends rejected and nothing more runs. JSON {"approver"?: string, "reason"?: string}.',
  resume: 'Retry the failed step of a run paused on error. JSON {"operator": string, "reason"?: string}.',
  abort: 'End a run paused on error as failed. JSON {"operator": string, "reason"?: string}.',
  awaitGate:
    'Answers when the run waits at a gate numbered above afterGate, or has paused or ended. JSON {"afterGate"?: number}; answers {status, pendingAction}.',
  awaitEvents:
    'Answers when the trace holds events after afterSeq, or the run has paused, ended or continues as new. JSON {"afterSeq": number, "runId"?: the run the cursor counts in}; answers {events, runId, restarted, status, currentStep, continuing}.',
} as const;
