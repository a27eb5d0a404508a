/** What every front end does with a run: start it, find it, read its state. */
import { nameTooLong } from '../../files/write-file-inside';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import {
  Client,
  WorkflowExecutionDescription,
  WorkflowHandle,
  WorkflowHandleWithFirstExecutionRunId,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { HarnessEnv } from '../../config/env';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { RUN_ID_PATTERN, WORKFLOW_TYPE } from '../../shared/constants';
import type { LoadedPolicy } from '../../config/policy-file';
import { pendingQuery, snapshotQuery, stateQuery } from '../../shared/messages';
import type { RunSnapshot } from '../../shared/run-snapshot';
import { ActiveTool, PendingAction, RunInput, RunOptions, RunState, RunStatus, TERMINAL_STATUSES } from '../../shared/run';
import type { temporal } from '@temporalio/proto';
import { evaluateToolCall } from '../../shared/policy';
import { runStaticDetails, runStaticSummary } from '../../shared/run-metadata';
import { HARNESS_STATUS } from '../../shared/search-attributes';
import { SourceDocument } from '../../shared/tools';
import { describeZodError } from '../../shared/tool-contract';
import type { researchRun } from '../../workflows';
import { HarnessError } from './harness-error';
import type { HarnessClient } from './connect';
import { replaySnapshot } from './replay-run';

/** Queries run on a worker; without one a query would hang, so it gets a deadline and a hint. */
const QUERY_DEADLINE_MS = 10_000;

export type RunOptionsInput = z.input<typeof RunOptions>;

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
  /** The snapshot the run lives under; absent: the worker's default policy. */
  policy?: LoadedPolicy;
  startedBy?: string;
  options?: RunOptionsInput;
}

/** Where runs start: a client and the task queue its workers poll. */
export interface RunTarget {
  client: Client;
  taskQueue: string;
  /**
   * How long a workflow task may take before Temporal hands it to another worker (Temporal's
   * default: 10 s). It bounds how soon a run whose worker died mid-task moves again.
   */
  workflowTaskTimeoutMs?: number;
}

export const targetOf = (h: HarnessClient): RunTarget => ({
  client: h.client,
  taskQueue: h.env.HARNESS_TASK_QUEUE,
  workflowTaskTimeoutMs: h.env.HARNESS_WORKFLOW_TASK_TIMEOUT_MS,
});

/** Run options the environment sets for every run a client starts, under what the caller says. */
export function runOptionsFromEnv(env: HarnessEnv, own: RunOptionsInput = {}): RunOptionsInput {
  const heartbeatTimeoutMs = own.heartbeatTimeoutMs ?? env.HARNESS_HEARTBEAT_TIMEOUT_MS;
  const tokenBudget = own.tokenBudget ?? env.HARNESS_TOKEN_BUDGET;
  const execution = own.execution ?? env.HARNESS_EXECUTION;
  return {
    ...own,
    ...(heartbeatTimeoutMs ? { heartbeatTimeoutMs } : {}),
    ...(tokenBudget ? { tokenBudget } : {}),
    ...(execution ? { execution } : {}),
  };
}

/** Starts a research run after checking its whole input against the workflow's own schema: a bad input never starts. */
export async function startRun(
  { client, taskQueue, workflowTaskTimeoutMs }: RunTarget,
  request: StartRequest,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof researchRun>> {
  const workflowId = checkRunId(request.id ?? newRunId(request.topic));
  const options = Object.fromEntries(Object.entries(request.options ?? {}).filter(([, v]) => v !== undefined));
  // The policy travels in the input: a later change to the file never changes this run.
  const args: RunInput = {
    topic: request.topic,
    sources: request.sources,
    ...(request.policy ? { policy: request.policy.policy, policyDigest: request.policy.digest } : {}),
    ...(request.startedBy !== undefined ? { startedBy: request.startedBy } : {}),
    ...(Object.keys(options).length ? { options } : {}),
  };
  const checked = RunInput.safeParse(args);
  if (!checked.success) throw new HarnessError(`invalid run input: ${describeZodError(checked.error)}`);
  // An output path the policy would refuse is refused now, not after every model step has run.
  const outputPath = checked.data.options?.outputPath;
  const tooLong = outputPath ? nameTooLong(outputPath) : null;
  if (tooLong) throw new HarnessError(`refused before starting: --output ${tooLong}`);
  if (checked.data.policy && outputPath) {
    const verdict = evaluateToolCall(checked.data.policy, 'finalize_report', { topic: checked.data.topic, outputPath });
    if (!verdict.allowed)
      throw new HarnessError(`refused before starting: policy "${checked.data.policy.name}" would deny finalize_report: ${verdict.reason}`);
  }
  return client.workflow.start<typeof researchRun>(WORKFLOW_TYPE, {
    args: [args],
    taskQueue,
    workflowId,
    memo: { topic: request.topic },
    staticSummary: runStaticSummary(checked.data),
    staticDetails: runStaticDetails(checked.data),
    // An id names one run forever: its report folder and its history. Reusing it is refused.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    ...(workflowTaskTimeoutMs ? { workflowTaskTimeout: workflowTaskTimeoutMs } : {}),
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
    // The hint names the run's own task queue, which may not be this client's.
    const description = await run.describe().catch(() => null);
    const taskQueue = description?.taskQueue ?? h.env.HARNESS_TASK_QUEUE;
    // A worker that takes the run's tasks and fails them (a codec key it lacks, say) is not a missing worker.
    const failing = (description?.raw.pendingWorkflowTask?.attempt ?? 0) > 1 ? await lastTaskFailure(h, run.workflowId) : null;
    if (failing)
      throw new HarnessError(
        `run ${run.workflowId} did not answer within ${deadlineMs / 1000}s: a worker on task queue ${taskQueue} takes its tasks and fails them (attempt ${description!.raw.pendingWorkflowTask!.attempt}): ${failing}`,
      );
    throw new HarnessError(
      `run ${run.workflowId} did not answer within ${deadlineMs / 1000}s: is a worker running on task queue ${taskQueue}? (HARNESS_TASK_QUEUE=${taskQueue} harness worker)`,
    );
  }
}

/** The message of the run's latest workflow task failure, from the newest end of its history (decoded through the codec). */
async function lastTaskFailure(h: HarnessClient, workflowId: string): Promise<string | null> {
  const { history } = await h.connection.workflowService
    .getWorkflowExecutionHistoryReverse({ namespace: h.env.TEMPORAL_NAMESPACE, execution: { workflowId }, maximumPageSize: 100 })
    .catch(() => ({ history: null }));
  const failed = history?.events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
  if (!failed?.failure) return null;
  const error = await decodeOptionalFailureToOptionalError(h.client.options.loadedDataConverter, failed.failure).catch(() => null);
  return (error?.message ?? failed.failure.message ?? '').split('\n')[0] || null;
}

/**
 * What the server's execution status (a client's `CANCELLED` or visibility's `CANCELED`) means for a
 * run whose own status is not final; undefined while the execution runs.
 */
export function closedByServerAs(execution: string): RunStatus | undefined {
  return ({ TERMINATED: 'terminated', TIMED_OUT: 'timed_out', FAILED: 'failed', CANCELLED: 'cancelled', CANCELED: 'cancelled' } as const)[
    execution as 'TERMINATED'
  ];
}

/**
 * The run's state as it last reported it, reconciled with what the server knows: a run the server
 * closed under it (terminated for history size, timed out) no longer waits for anything.
 */
export function reconcile(state: RunState, execution: string): RunState {
  const closedAs = closedByServerAs(execution);
  if (!closedAs || TERMINAL_STATUSES.includes(state.status)) return state;
  return {
    ...state,
    status: closedAs,
    currentStep: null,
    pendingAction: null,
    pausedOn: null,
    error: `the execution was ${execution.toLowerCase().replace('_', ' ')} by the server while the run was ${state.status}`,
  };
}

/**
 * The run's state. An open run answers through its worker; a closed one is rebuilt from its history
 * on this machine, so reading a finished run needs no worker at all.
 */
export async function readState(h: HarnessClient, run: WorkflowHandle): Promise<RunState> {
  const description = await run.describe();
  if (description.status.name !== 'RUNNING') return (await closedSnapshot(h, run, description.status.name)).state;
  const state = await query<RunState>(h, run, () => run.query(stateQuery));
  return withServerView(h, state, description);
}

/** The run's snapshot (state, sources, facts, draft, pending call): queried while open, replayed once closed. */
export async function readSnapshot(h: HarnessClient, run: WorkflowHandle): Promise<RunSnapshot> {
  const description = await run.describe();
  if (description.status.name !== 'RUNNING') return closedSnapshot(h, run, description.status.name);
  const snapshot = await query<RunSnapshot>(h, run, () => run.query(snapshotQuery));
  return { ...snapshot, state: await withServerView(h, snapshot.state, description) };
}

async function closedSnapshot(h: HarnessClient, run: WorkflowHandle, execution: string): Promise<RunSnapshot> {
  const snapshot = await replaySnapshot(run.workflowId, await run.fetchHistory(), h.client.options.dataConverter, h.env.HARNESS_WORKFLOWS);
  return { ...snapshot, state: reconcile(snapshot.state, execution) };
}

/** What the server adds to a live run's own account: how it closed, and the tools it is running or retrying. */
async function withServerView(h: HarnessClient, state: RunState, description: WorkflowExecutionDescription): Promise<RunState> {
  const activeTools = await Promise.all((description.raw.pendingActivities ?? []).map((info) => activeTool(h, info)));
  return { ...reconcile(state, description.status.name), ...(activeTools.length ? { activeTools } : {}) };
}

const isoOf = (time: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null =>
  time?.seconds ? new Date(Number(time.seconds) * 1000 + Math.floor((time.nanos ?? 0) / 1e6)).toISOString() : null;

/** What the server knows of a tool it is running or retrying. */
async function activeTool(h: HarnessClient, info: temporal.api.workflow.v1.IPendingActivityInfo): Promise<ActiveTool> {
  // With the codec on, the message is inside the failure's encrypted attributes: decoded like any payload.
  const lastFailure = await decodeOptionalFailureToOptionalError(h.client.options.loadedDataConverter, info.lastFailure);
  return {
    tool: info.activityType?.name ?? 'unknown',
    attempt: info.attempt ?? 1,
    maximumAttempts: info.maximumAttempts ?? 0,
    lastFailure: lastFailure?.message ?? null,
    nextAttemptAt: isoOf(info.nextAttemptScheduleTime),
    paused: Boolean(info.paused),
  };
}
export const readPending = (h: HarnessClient, run: WorkflowHandle, deadlineMs?: number) =>
  query<PendingAction | null>(h, run, () => run.query(pendingQuery), deadlineMs);
