/**
 * What every workflow of the harness answers, whatever it runs: the queries (state, trace, pending,
 * snapshot), the four decisions through both doors (update and signal), awaitGate and awaitEvents. Registered
 * before the workflow's first await, so an early decision is refused rather than lost.
 */
import { ApplicationFailure, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import {
  abortSignal,
  abortUpdate,
  approveSignal,
  approveUpdate,
  awaitEventsUpdate,
  awaitGateUpdate,
  DESCRIPTIONS,
  EventsWait,
  GateWait,
  pendingQuery,
  rejectSignal,
  rejectUpdate,
  resumeSignal,
  resumeUpdate,
  snapshotQuery,
  stateQuery,
  traceQuery,
} from '../../shared/messages';
import type { ApprovalGates } from './approval-gate';
import { registerDecision } from './decisions';
import type { OperatorControl } from './operator-control';
import type { RunRecorder } from './run-recorder';

export function registerRunApi(run: RunRecorder, gates: ApprovalGates, control: OperatorControl): void {
  setHandler(stateQuery, () => run.state, { description: 'The whole run state, trace included.' });
  setHandler(traceQuery, () => run.state.trace, { description: 'Trace events in order.' });
  setHandler(pendingQuery, () => run.state.pendingAction, { description: 'The tool call waiting for approval, or null.' });
  setHandler(snapshotQuery, () => run.snapshot, {
    description: "The state with the run's sources, extracted facts, draft and the whole pending tool call.",
  });
  registerDecision(run, gates.approve, approveSignal, approveUpdate);
  registerDecision(run, gates.reject, rejectSignal, rejectUpdate);
  registerDecision(run, control.resume, resumeSignal, resumeUpdate);
  registerDecision(run, control.abort, abortSignal, abortUpdate);
  setHandler(awaitGateUpdate, (raw) => awaitGate(run, raw), {
    description: DESCRIPTIONS.awaitGate,
    validator: (raw) => {
      if (!AwaitGatePayload.safeParse(raw ?? {}).success)
        throw ApplicationFailure.nonRetryable('invalid payload: {"afterGate"?: number}', 'InvalidPayload');
    },
  });
  setHandler(awaitEventsUpdate, (raw) => awaitEvents(run, raw), {
    description: DESCRIPTIONS.awaitEvents,
    validator: (raw) => {
      if (!AwaitEventsPayload.safeParse(raw).success)
        throw ApplicationFailure.nonRetryable('invalid payload: {"afterSeq": number}', 'InvalidPayload');
    },
  });
}

const AwaitEventsPayload = z.object({ afterSeq: z.number().int().min(0), runId: z.string().max(64).optional() }).strict();
/** A follower catching up gets its events in pieces: one answer stays far below the payload limits. */
const EVENTS_PER_ANSWER = 500;

async function awaitEvents(run: RunRecorder, raw: unknown): Promise<EventsWait> {
  const { afterSeq, runId } = AwaitEventsPayload.parse(raw);
  // A cursor of another run (the one this run continued from) counts from this run's start.
  const restarted = runId !== undefined && runId !== workflowInfo().runId;
  const from = restarted ? 0 : afterSeq;
  await condition(() => run.state.trace.length > from || restarted || run.state.status !== 'running' || run.closing);
  const { trace, status, currentStep } = run.state;
  return {
    events: trace.slice(from, from + EVENTS_PER_ANSWER),
    runId: workflowInfo().runId,
    restarted,
    status,
    currentStep,
    continuing: run.closing,
  };
}

const AwaitGatePayload = z.object({ afterGate: z.number().int().min(0).optional() }).strict();

/** Resolves once the run waits at a gate numbered above `afterGate`, or stops moving on its own. */
async function awaitGate(run: RunRecorder, raw: unknown): Promise<GateWait> {
  const parsed = AwaitGatePayload.safeParse(raw ?? {});
  const after = parsed.success ? (parsed.data.afterGate ?? 0) : 0;
  const settled = () => {
    const { status, pendingAction } = run.state;
    if (status === 'waiting_approval') return (pendingAction?.gate ?? 1) > after;
    return status !== 'running' || run.closing;
  };
  await condition(settled);
  return { status: run.state.status, pendingAction: run.state.pendingAction };
}
