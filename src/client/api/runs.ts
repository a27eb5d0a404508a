/** What every command does with a run: start it, read its state, send it a decision. */
import { WorkflowHandle, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { RUN_ID_PATTERN, WORKFLOW_TYPE } from '../../shared/constants';
import type { LoadedPolicy } from '../../config/policy-file';
import { pendingQuery, stateQuery, UpdateOutcome } from '../../shared/messages';
import type { PendingAction, RunInput, RunState } from '../../shared/run';
import { HARNESS_STATUS } from '../../shared/search-attributes';
import type { SourceDocument } from '../../shared/tools';
import type { researchRun } from '../../workflows';
import { HarnessError } from './harness-error';
import type { HarnessClient } from './connect';

/** Queries run on a worker; without one a query would hang, so it gets a deadline and a hint. */
const QUERY_DEADLINE_MS = 10_000;
/** An edited report is reviewed inside the update, so updates get more time than queries. */
const UPDATE_DEADLINE_MS = 60_000;

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
  if (!RUN_ID_PATTERN.test(id)) throw new HarnessError(`invalid run id "${id}": use letters, digits, ".", "_" and "-" (at most 128)`);
  return id;
}

export interface StartRequest {
  topic: string;
  sources: SourceDocument[];
  id?: string;
  policy: LoadedPolicy;
  startedBy: string;
  outputPath?: string;
  tokenBudget?: number;
}

export async function startRun({ client, env }: HarnessClient, input: StartRequest) {
  const workflowId = checkRunId(input.id ?? newRunId(input.topic));
  const heartbeatTimeoutMs = env.HARNESS_HEARTBEAT_TIMEOUT_MS;
  const tokenBudget = input.tokenBudget ?? env.HARNESS_TOKEN_BUDGET;
  const options = {
    ...(heartbeatTimeoutMs ? { heartbeatTimeoutMs } : {}),
    ...(input.outputPath ? { outputPath: input.outputPath } : {}),
    ...(tokenBudget ? { tokenBudget } : {}),
  };
  // The policy travels in the input: a later change to the file never changes this run.
  const args: RunInput = {
    topic: input.topic,
    sources: input.sources,
    policy: input.policy.policy,
    policyDigest: input.policy.digest,
    startedBy: input.startedBy,
    ...(Object.keys(options).length ? { options } : {}),
  };
  return client.workflow.start<typeof researchRun>(WORKFLOW_TYPE, {
    args: [args],
    taskQueue: env.HARNESS_TASK_QUEUE,
    workflowId,
    memo: { topic: input.topic },
    typedSearchAttributes: [{ key: HARNESS_STATUS, value: 'running' }],
  });
}

/** A handle to an existing run; fails with "no run with id X" when there is none. */
export async function existingRun(h: HarnessClient, id: string): Promise<WorkflowHandle<typeof researchRun>> {
  return (await describeRun(h, id)).run;
}

/** The run and its execution description (status from the server, no worker needed). */
export async function describeRun({ client }: HarnessClient, id: string) {
  const run = client.workflow.getHandle<typeof researchRun>(checkRunId(id));
  try {
    return { run, description: await run.describe() };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new HarnessError(`no run with id ${id}`);
    throw err;
  }
}

async function query<T>(h: HarnessClient, run: WorkflowHandle, fn: () => Promise<T>, deadlineMs = QUERY_DEADLINE_MS): Promise<T> {
  try {
    return await h.connection.withDeadline(Date.now() + deadlineMs, fn);
  } catch (err) {
    if (err instanceof HarnessError || err instanceof WorkflowNotFoundError) throw err;
    throw new HarnessError(
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
    throw new HarnessError(`run ${run.workflowId} is not waiting for approval (status: ${state.status})`);
  }
  return state.pendingAction;
}

/**
 * Sends an update and returns what the run answered. A refusal from the run's synchronous
 * validator (unauthorized approver, stale digest, not waiting, …) becomes a one-line HarnessError.
 */
export async function sendUpdate<P>(
  h: HarnessClient,
  run: WorkflowHandle,
  update: UpdateDefinition<UpdateOutcome, [P]>,
  payload: P,
): Promise<UpdateOutcome> {
  try {
    return await h.connection.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () => run.executeUpdate(update, { args: [payload] }));
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      throw new HarnessError(`${update.name} refused by run ${run.workflowId}: ${err.cause?.message ?? err.message}`);
    // The run was found before the call, so "not found" here means it has closed.
    if (err instanceof WorkflowNotFoundError || /not found|completed|closed/i.test((err as Error).message ?? '')) {
      throw new HarnessError(`${update.name} refused: run ${run.workflowId} has already ended`);
    }
    throw new HarnessError(
      `run ${run.workflowId} did not answer the ${update.name} update within ${UPDATE_DEADLINE_MS / 1000}s: is a worker running on task queue ${h.env.HARNESS_TASK_QUEUE}?`,
    );
  }
}
