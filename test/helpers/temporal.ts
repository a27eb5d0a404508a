/** Test access to the suite's real dev server: clients, in-process workers, runs, waits. */
import { Client, Connection, WorkflowFailedError, WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createActivities } from '../../src/activities';
import { offlineProvider } from '../../src/activities/model/offline-provider';
import { waitFor } from '../../src/client/api/wait-for';
import { readSourcesFile, SAMPLE_SOURCES } from '../../src/client/api/sources-file';
import { WORKFLOW_TYPE } from '../../src/shared/constants';
import { stateQuery } from '../../src/shared/messages';
import type { RunInput, RunState, RunStatus } from '../../src/shared/run';
import type { HarnessActivities } from '../../src/shared/tools';
import { createHarnessWorker } from '../../src/worker/create-worker';
import type { researchRun } from '../../src/workflows';

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

/** An in-process worker on its own task queue, running until stop(). */
export async function startTestWorker(options: {
  taskQueue: string;
  outputRoot: string;
  activities?: HarnessActivities;
  /** Defaults to the suite's server. */
  address?: string;
}): Promise<TestWorker> {
  quietRuntime();
  const connection = await NativeConnection.connect({ address: options.address ?? testAddress() });
  const worker = await createHarnessWorker({
    connection,
    namespace: 'default',
    taskQueue: options.taskQueue,
    activities: options.activities ?? createActivities({ outputRoot: options.outputRoot, model: offlineProvider }),
    shutdownSignals: [],
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export const sampleSources = () => readSourcesFile(SAMPLE_SOURCES);

export async function startTestRun(client: Client, taskQueue: string, input: RunInput, workflowId = uniqueName('run')) {
  return client.workflow.start<typeof researchRun>(WORKFLOW_TYPE, { args: [input], taskQueue, workflowId });
}

/** Polls the state query until the run reaches one of the statuses. */
export async function waitForStatus(run: WorkflowHandle, statuses: RunStatus[], timeoutMs = 30_000): Promise<RunState> {
  return waitFor(
    async () => {
      const state = await run.query(stateQuery);
      return statuses.includes(state.status) ? state : null;
    },
    { timeoutMs, what: `run ${run.workflowId} to reach ${statuses.join('|')}` },
  );
}

/** Files in a run's report folder (the report, and any stray temp file). */
export async function reportFolder(outputRoot: string, runId: string): Promise<string[]> {
  return fs.readdir(path.join(outputRoot, runId)).catch(() => []);
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
