/**
 * Sends an operator decision (approve, reject, resume, abort) to a run. The run's update answers
 * at once when a worker runs. When none answers — a deploy, a crash — the decision goes as the
 * run's signal, pinned to the digest the approver read (the gate publishes the current one in the
 * memo, which Temporal serves without a worker): it is recorded in history now and checked when a
 * worker picks the run up.
 */
import { WorkflowHandle, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { z } from 'zod';
import {
  abortSignal,
  abortUpdate,
  approveSignal,
  approveUpdate,
  rejectSignal,
  rejectUpdate,
  resumeSignal,
  resumeUpdate,
  UpdateOutcome,
} from '../../shared/messages';
import { ApprovePayload, OperatorPayload, RejectPayload, RunStatus } from '../../shared/run';
import { describeZodError } from '../../shared/tool-contract';
import { HARNESS_STATUS } from '../../shared/search-attributes';
import type { HarnessClient } from './connect';
import { HarnessError } from './harness-error';
import { describeRun, readPending } from './runs';
import { editDigest, noteDigest } from '../../shared/signed-decision';
import { SigningKey, signStatement } from './signing-keys';

export type DecisionKind = 'approve' | 'reject' | 'resume' | 'abort';
type PayloadOf<K extends DecisionKind> = K extends 'approve'
  ? z.input<typeof ApprovePayload>
  : K extends 'reject'
    ? z.input<typeof RejectPayload>
    : z.input<typeof OperatorPayload>;

const MESSAGES = {
  approve: { update: approveUpdate, signal: approveSignal, waitsFor: 'waiting_approval' },
  reject: { update: rejectUpdate, signal: rejectSignal, waitsFor: 'waiting_approval' },
  resume: { update: resumeUpdate, signal: resumeSignal, waitsFor: 'paused_on_error' },
  abort: { update: abortUpdate, signal: abortSignal, waitsFor: 'paused_on_error' },
} as const;

const PAYLOADS = { approve: ApprovePayload, reject: RejectPayload, resume: OperatorPayload, abort: OperatorPayload } as const;

/** An edited report is reviewed inside the update, so the answer may take a while once accepted. */
const UPDATE_DEADLINE_MS = 60_000;

/** What the open gate publishes in the run's memo (see workflows/kernel/approval-gate.ts). */
export interface GateMemo {
  tool: string;
  gate?: number;
  digest: string;
  minApprovals: number;
  eligibleApprovers: string[] | null;
  expiresAt: string | null;
  requestedAt: string;
}

export interface DecisionResult {
  /** update: the run answered; signal: recorded in history, checked when a worker picks the run up. */
  delivery: 'update' | 'signal';
  outcome: UpdateOutcome | null;
  /** The digest the decision was pinned to (approve). */
  digest?: string;
  message: string;
}

/** The run as Temporal knows it without a worker: open or closed, HarnessStatus, the open gate. */
export async function runStanding(h: HarnessClient, id: string) {
  const { run, description } = await describeRun(h, id);
  const status = description.typedSearchAttributes.get(HARNESS_STATUS) as RunStatus | undefined;
  const gate = (description.memo?.gate ?? null) as GateMemo | null;
  return { run, description, open: description.status.name === 'RUNNING', status: status ?? null, gate };
}

/**
 * The pending gate's tool and digest: from the memo when the run publishes it (no worker needed),
 * else from the pending query (runs from before the memo).
 */
export async function pendingGate(h: HarnessClient, id: string): Promise<Pick<GateMemo, 'tool' | 'digest'>> {
  const standing = await runStanding(h, id);
  if (!standing.open) throw new HarnessError(`approve refused: run ${id} has already ended`);
  if (standing.gate) return standing.gate;
  const pending = await readPending(h, standing.run);
  if (!pending) throw new HarnessError(`run ${id} is not waiting for approval (status: ${standing.status ?? 'unknown'})`);
  return pending;
}

export async function decide<K extends DecisionKind>(
  h: HarnessClient,
  id: string,
  kind: K,
  payload: PayloadOf<K>,
  options: { acceptWithinMs?: number; signWith?: SigningKey } = {},
): Promise<DecisionResult> {
  const standing = await runStanding(h, id);
  const { run } = standing;
  if (!standing.open) throw new HarnessError(`${kind} refused: run ${id} has already ended`);
  const { waitsFor } = MESSAGES[kind];
  if (standing.status && standing.status !== waitsFor) {
    throw new HarnessError(
      `${kind} refused: run ${id} is not ${waitsFor === 'waiting_approval' ? 'waiting for approval' : 'paused on an error'} (status: ${standing.status})`,
    );
  }
  // Checked here with the run's own schema, so an oversized comment or a blank name is a clear local error.
  const schema = PAYLOADS[kind];
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new HarnessError(`invalid ${kind}: ${describeZodError(parsed.error)}`);
  // An approval is for what the approver read: the caller names that digest; it is never filled in here.
  const digest = kind === 'approve' ? (payload as ApprovePayload).digest : undefined;
  if (kind === 'approve' && !digest)
    throw new HarnessError(`approve needs the digest of what the approver read (harness pending ${id} shows it)`);
  if (options.signWith) {
    if (kind !== 'approve' && kind !== 'reject') throw new HarnessError(`${kind} is not signed: only approve and reject take --key`);
    payload = {
      ...payload,
      signature: await signedFor(h, standing, kind, parsed.data as ApprovePayload | RejectPayload, options.signWith),
    };
  }

  const acceptWithinMs = options.acceptWithinMs ?? h.env.HARNESS_DECISION_WAIT_MS;
  if (await hasWorkflowPollers(h, standing.description.taskQueue)) {
    const answered = await viaUpdate(h, run, kind, payload, acceptWithinMs);
    if (answered) return { delivery: 'update', outcome: answered, digest, message: answered.message };
  }
  if (kind === 'approve' && (payload as ApprovePayload).edit !== undefined) {
    throw new HarnessError(
      `no worker answered run ${id}, and an edit needs one (it is checked, and a report reviewed, before it counts): start one with \`harness worker\``,
    );
  }
  await run.signal(MESSAGES[kind].signal, payload);
  const pinned = digest ? ` pinned to digest ${digest.slice(0, 12)}…` : '';
  return {
    delivery: 'signal',
    outcome: null,
    digest,
    message:
      `no worker answered: ${kind} recorded as a signal${pinned}; the run checks it when a worker picks it up ` +
      `(then \`harness status ${id}\` shows the result, \`harness trace ${id} --event ${kind === 'resume' || kind === 'abort' ? 'operator_refused' : 'approval_refused'}\` any refusal)`,
  };
}

/** The signature over this decision at the run's open gate, on the digest the approver read (approve) or the pending one (reject). */
async function signedFor(
  h: HarnessClient,
  standing: Awaited<ReturnType<typeof runStanding>>,
  kind: 'approve' | 'reject',
  payload: ApprovePayload | RejectPayload,
  key: SigningKey,
) {
  const gate = standing.gate?.gate !== undefined ? standing.gate : await readPending(h, standing.run);
  if (!gate?.gate) throw new HarnessError(`${kind} refused: run ${standing.run.workflowId} is not waiting for approval`);
  const approve = kind === 'approve' ? (payload as ApprovePayload) : undefined;
  return signStatement(key, {
    v: 1,
    workflowId: standing.run.workflowId,
    runId: standing.description.runId,
    gate: gate.gate,
    tool: gate.tool,
    digest: approve?.digest ?? gate.digest,
    decision: kind,
    approver: payload.approver,
    at: new Date().toISOString(),
    edit: editDigest(approve?.edit),
    note: noteDigest(approve ? approve.comment : (payload as RejectPayload).reason),
  });
}

/** The update's answer; null when no worker accepted it in time. A refusal by the run is a HarnessError. */
async function viaUpdate<K extends DecisionKind>(
  h: HarnessClient,
  run: WorkflowHandle,
  kind: K,
  payload: PayloadOf<K>,
  acceptWithinMs: number,
): Promise<UpdateOutcome | null> {
  // One update per kind, all of the same shape: UpdateOutcome back, one payload in.
  const update = MESSAGES[kind].update as UpdateDefinition<UpdateOutcome, [PayloadOf<K>]>;
  let handle;
  try {
    handle = await h.connection.withDeadline(Date.now() + acceptWithinMs, () =>
      run.startUpdate(update, { args: [payload], waitForStage: WorkflowUpdateStage.ACCEPTED }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw refusal(kind, run, err);
    if (/not found|completed|closed/i.test((err as Error).message ?? ''))
      throw new HarnessError(`${kind} refused: run ${run.workflowId} has already ended`);
    return null;
  }
  try {
    return (await h.connection.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () => handle.result())) as UpdateOutcome;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw refusal(kind, run, err);
    throw new HarnessError(
      `run ${run.workflowId} accepted the ${kind} but did not finish it within ${UPDATE_DEADLINE_MS / 1000}s: check \`harness status ${run.workflowId}\``,
    );
  }
}

function refusal(kind: DecisionKind, run: WorkflowHandle, err: WorkflowUpdateFailedError): HarnessError {
  return new HarnessError(`${kind} refused by run ${run.workflowId}: ${err.cause?.message ?? err.message}`);
}

/** Whether any worker polled the run's workflow task queue recently (a SIGKILLed one may still be listed for a while). */
export async function hasWorkflowPollers(h: HarnessClient, taskQueue: string): Promise<boolean> {
  const response = await h.connection.withDeadline(Date.now() + 5_000, () =>
    h.connection.workflowService.describeTaskQueue({
      namespace: h.env.TEMPORAL_NAMESPACE,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    }),
  );
  return (response.pollers?.length ?? 0) > 0;
}
