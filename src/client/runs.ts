/** What every command does with a run: start it, read its state, send it a decision. */
import { WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { RUN_ID_PATTERN, WORKFLOW_TYPE } from '../shared/constants';
import { approveSignal, pendingQuery, rejectSignal, stateQuery } from '../shared/messages';
import type { ApprovePayload, PendingAction, RejectPayload, RunInput, RunState } from '../shared/run';
import { HARNESS_STATUS } from '../shared/search-attributes';
import type { SourceDocument } from '../shared/tools';
import type { researchRun } from '../workflows';
import { CliError } from './cli-error';
import type { HarnessClient } from './connect';

/** Queries run on a worker; without one a query would hang, so it gets a deadline and a hint. */
const QUERY_DEADLINE_MS = 10_000;

export function newRunId(topic: string): string {
  const slug =
    topic
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'run';
  return `research-${slug}-${randomBytes(3).toString('hex')}`;
}

export function checkRunId(id: string): string {
  if (!RUN_ID_PATTERN.test(id)) throw new CliError(`invalid run id "${id}": use letters, digits, ".", "_" and "-" (at most 128)`);
  return id;
}

export async function startRun({ client, env }: HarnessClient, input: { topic: string; sources: SourceDocument[]; id?: string }) {
  const workflowId = checkRunId(input.id ?? newRunId(input.topic));
  const heartbeatTimeoutMs = env.HARNESS_HEARTBEAT_TIMEOUT_MS;
  const args: RunInput = { topic: input.topic, sources: input.sources, ...(heartbeatTimeoutMs ? { options: { heartbeatTimeoutMs } } : {}) };
  return client.workflow.start<typeof researchRun>(WORKFLOW_TYPE, {
    args: [args],
    taskQueue: env.HARNESS_TASK_QUEUE,
    workflowId,
    memo: { topic: input.topic },
    typedSearchAttributes: [{ key: HARNESS_STATUS, value: 'running' }],
  });
}

/** A handle to an existing run; fails with "no run with id X" when there is none. */
export async function existingRun({ client }: HarnessClient, id: string): Promise<WorkflowHandle<typeof researchRun>> {
  const handle = client.workflow.getHandle<typeof researchRun>(checkRunId(id));
  try {
    await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CliError(`no run with id ${id}`);
    throw err;
  }
  return handle;
}

async function query<T>(h: HarnessClient, run: WorkflowHandle, fn: () => Promise<T>, deadlineMs = QUERY_DEADLINE_MS): Promise<T> {
  try {
    return await h.connection.withDeadline(Date.now() + deadlineMs, fn);
  } catch (err) {
    if (err instanceof CliError || err instanceof WorkflowNotFoundError) throw err;
    throw new CliError(
      `run ${run.workflowId} did not answer within ${deadlineMs / 1000}s: is a worker running on task queue ${h.env.HARNESS_TASK_QUEUE}? (\`harness worker\`)`,
    );
  }
}

export const readState = (h: HarnessClient, run: WorkflowHandle) => query<RunState>(h, run, () => run.query(stateQuery));
export const readPending = (h: HarnessClient, run: WorkflowHandle, deadlineMs?: number) =>
  query<PendingAction | null>(h, run, () => run.query(pendingQuery), deadlineMs);

/** The pending action, or a clear refusal when the run is not waiting for a decision. */
export async function requirePending(h: HarnessClient, run: WorkflowHandle): Promise<PendingAction> {
  const state = await readState(h, run);
  if (state.status !== 'waiting_approval' || !state.pendingAction) {
    throw new CliError(`run ${run.workflowId} is not waiting for approval (status: ${state.status})`);
  }
  return state.pendingAction;
}

export type DecisionOutcome = { accepted: true; status: string } | { accepted: false; reason: string } | { accepted: null };

/**
 * Sends a decision signal and watches the trace for its effect: the run either records the
 * decision or an approval_refused event. Signals are asynchronous, so this waits a little.
 */
export async function sendDecision(
  h: HarnessClient,
  run: WorkflowHandle,
  decision: { kind: 'approve'; payload: ApprovePayload } | { kind: 'reject'; payload: RejectPayload },
  waitMs = 10_000,
): Promise<DecisionOutcome> {
  const before = (await readState(h, run)).trace.length;
  if (decision.kind === 'approve') await run.signal(approveSignal, decision.payload);
  else await run.signal(rejectSignal, decision.payload);
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const state = await readState(h, run).catch(() => null);
    const fresh = state?.trace.slice(before) ?? [];
    const refused = fresh.find((e) => e.type === 'approval_refused');
    if (refused) return { accepted: false, reason: refused.message ?? 'refused' };
    if (state?.decision) return { accepted: true, status: state.status };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { accepted: null };
}
