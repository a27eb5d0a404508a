/** Signals and queries of the research run; wire names are what tctl, temporal CLI and Temporal Web use. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { PendingAction, RunState, TraceEvent } from './run';

/** Payloads arrive unvalidated from any client (tctl, Web UI), so handlers take `unknown`. */
export const approveSignal = defineSignal<[unknown?]>('approve');
export const rejectSignal = defineSignal<[unknown?]>('reject');

export const stateQuery = defineQuery<RunState>('state');
export const traceQuery = defineQuery<TraceEvent[]>('trace');
export const pendingQuery = defineQuery<PendingAction | null>('pending');

export const APPROVE_DESCRIPTION =
  'Approve the pending finalize_report. JSON {"approver"?: string, "comment"?: string, "digest"?: sha256 of the pending draft}.';
export const REJECT_DESCRIPTION = 'Reject the pending finalize_report; nothing is written. JSON {"approver"?: string, "reason"?: string}.';
