/** Test access to the suite's real dev server: clients, in-process workers, runs, waits. */
import { Client, Connection, WorkflowFailedError, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { offlineProvider } from '../../src/activities/model/offline-provider';
import { waitFor } from '../../src/client/api/wait-for';
import { readSourcesFile, SAMPLE_SOURCES } from '../../src/client/api/sources-file';
import { WORKFLOW_TYPE } from '../../src/shared/constants';
import { approveSignal, stateQuery } from '../../src/shared/messages';
import type { RunState, RunStatus } from '../../src/shared/run';
import { startRun, StartRequest } from '../../src/client/api/runs';
import type { HarnessActivities } from '../../src/shared/tools';
import { UserRegistrations, workerFromEnv } from '../../src/worker/worker-from-env';
import { readEnv } from '../../src/config/env';

export const testAddress = (): string => process.env.TEMPORAL_ADDRESS as string;
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `harness-${prefix}-`));
}

export async function testClient(address = testAddress()): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

export interface TestWorker {
  stop(): Promise<void>;
}

/** Keeps the SDK's per-task INFO lines out of test output; expected failures log at WARN. */
export function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by an earlier test file in this process.
  }
}

/** An in-process worker on its own task queue, built as `harness worker` builds its own, running until stop(). */
export async function startTestWorker(options: {
  taskQueue: string;
  outputRoot: string;
  /** Replaces some tools (failure injection); the others are the real ones with the offline model. */
  activities?: Partial<HarnessActivities>;
  /** Defaults to the suite's server. */
  address?: string;
  /** More settings (codec keys, say). */
  env?: NodeJS.ProcessEnv;
  /** A user's registrations (see worker-from-env.ts). */
  user?: UserRegistrations;
}): Promise<TestWorker> {
  quietRuntime();
  const env = readEnv({
    ...process.env,
    ...options.env,
    TEMPORAL_ADDRESS: options.address ?? testAddress(),
    HARNESS_TASK_QUEUE: options.taskQueue,
    HARNESS_OUTPUT_DIR: options.outputRoot,
    HARNESS_MODEL_PROVIDER: 'offline',
  });
  const built = await workerFromEnv(env, {
    activities: options.activities,
    model: offlineProvider,
    shutdownSignals: [],
    ...options.user,
  });
  const running = built.worker.run();
  return {
    async stop() {
      built.worker.shutdown();
      await running;
      await built.close();
    },
  };
}

export const sampleSources = () => readSourcesFile(SAMPLE_SOURCES);

/** Starts a run through the client API, as every front end does (its input is checked before it starts). */
export async function startTestRun(client: Client, taskQueue: string, request: Omit<StartRequest, 'id'>, workflowId = uniqueName('run')) {
  return startRun({ client, taskQueue }, { ...request, id: workflowId });
}

/** Starts a run with any input, as a foreign client (`temporal workflow start`) can: the workflow's own guard is under test. */
export async function startUncheckedRun(client: Client, taskQueue: string, input: unknown, workflowId = uniqueName('run')) {
  return client.workflow.start(WORKFLOW_TYPE, { args: [input], taskQueue, workflowId });
}

/** Polls the state query until the run reaches one of the statuses. */
export async function waitForStatus(run: WorkflowHandle, statuses: RunStatus[], timeoutMs = 60_000): Promise<RunState> {
  return waitFor(
    async () => {
      const state = await run.query(stateQuery);
      return statuses.includes(state.status) ? state : null;
    },
    { timeoutMs, what: `run ${run.workflowId} to reach ${statuses.join('|')}` },
  );
}

/**
 * Waits until a worker has started an attempt of the tool as a remote activity; returns the
 * worker's identity. With `HARNESS_FAULT=hang_in:<tool>` on that worker, a kill after this lands
 * inside the attempt whatever the machine's speed.
 */
export async function activityStartedBy(run: WorkflowHandle, tool: string): Promise<string> {
  return waitFor(
    async () => {
      const pending = (await run.describe()).raw.pendingActivities ?? [];
      const started = pending.find(
        (a) => a.activityType?.name === tool && a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
      );
      return started?.lastWorkerIdentity || null;
    },
    { timeoutMs: 60_000, what: `${run.workflowId}: ${tool} to be started by a worker` },
  );
}

/** Files in a run's report folder (the report, and any stray temp file). */
export async function reportFolder(outputRoot: string, runId: string): Promise<string[]> {
  return fs.readdir(path.join(outputRoot, runId)).catch(() => []);
}

/** Waits for the run's gate, then approves it by signal pinned to the digest it shows; returns the state at the gate. */
export async function approveAtGate(run: WorkflowHandle): Promise<RunState> {
  const state = await waitForStatus(run, ['waiting_approval'], 60_000);
  await run.signal(approveSignal, { approver: 'ops', digest: state.pendingAction!.digest });
  return state;
}

/** The run's failure message; fails the test when the run did not fail. */
export async function failureOf(run: WorkflowHandle): Promise<string> {
  const outcome = await run.result().then(
    () => null,
    (err: unknown) => err,
  );
  if (!(outcome instanceof WorkflowFailedError)) throw new Error(`expected ${run.workflowId} to fail, got ${String(outcome)}`);
  return outcome.cause?.message ?? outcome.message;
}

export interface ActivityStart {
  attempt: number;
  /** The previous attempt's failure, as the server recorded it for this one. */
  lastFailure: string | null;
  scheduledAtMs: number;
  startedAtMs: number;
  /** The worker that took it (`pid@host` unless set). */
  identity: string;
}

const eventMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);

/** How Temporal ran a tool's activities: each start's attempt and the failure before it (history keeps the last attempt's start). */
export async function activityStarts(run: WorkflowHandle, tool: string): Promise<ActivityStart[]> {
  const events = (await run.fetchHistory()).events ?? [];
  const scheduled = new Map(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === tool)
      .map((e) => [String(e.eventId), eventMs(e.eventTime)]),
  );
  return events.flatMap((e) => {
    const started = e.activityTaskStartedEventAttributes;
    const scheduledAtMs = started ? scheduled.get(String(started.scheduledEventId)) : undefined;
    if (!started || scheduledAtMs === undefined) return [];
    const failure = started.lastFailure;
    return [
      {
        attempt: started.attempt ?? 1,
        lastFailure: failure ? (failure.message ?? '') : null,
        scheduledAtMs,
        startedAtMs: eventMs(e.eventTime),
        identity: started.identity ?? '',
      },
    ];
  });
}

export interface ToolInHistory {
  tool: string;
  execution: 'local' | 'remote';
  /** Local: the attempt the marker recorded; remote: the scheduled event's policy maximum is elsewhere. */
  attempt?: number;
}

/** Every tool call in the run's history in order: remote ones as scheduled activities, local ones as their markers. */
export async function toolsInHistory(run: WorkflowHandle): Promise<ToolInHistory[]> {
  return ((await run.fetchHistory()).events ?? []).flatMap((e): ToolInHistory[] => {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) return [{ tool: scheduled.activityType?.name ?? '', execution: 'remote' }];
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const payload = marker.details?.data?.payloads?.[0]?.data;
    const data = payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as { activity_type?: string; attempt?: number }) : {};
    return [{ tool: data.activity_type ?? '', execution: 'local', attempt: data.attempt }];
  });
}
