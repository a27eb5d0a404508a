/**
 * Per-file fixtures that register their own jest setup and teardown: a client, worker processes
 * that are always killed, and the CLI test bed (an in-process worker on its own task queue plus
 * the environment the built `harness` bin needs).
 */
import type { Client } from '@temporalio/client';
import { CliResult, runHarness, spawnWorkerProcess, WorkerProcess } from './processes';
import { startTestWorker, tempDir, testAddress, testClient, TestWorker, uniqueName } from './temporal';

/** A client on the suite's server, closed after the file. */
export function useClient(): { client: Client } {
  const holder = {} as { client: Client };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ client: holder.client, close } = await testClient());
  });
  afterAll(async () => close?.());
  return holder;
}

/** Spawns `harness worker` processes; every one is SIGKILLed after the file. */
export function useWorkerProcesses(): (env: NodeJS.ProcessEnv) => Promise<WorkerProcess> {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  });
  return async (env) => {
    const worker = await spawnWorkerProcess(env);
    workers.push(worker);
    return worker;
  };
}

export interface CliTestBed {
  client: Client;
  outputRoot: string;
  /** A scratch folder for policies and edits. */
  dir: string;
  env: NodeJS.ProcessEnv;
  harness: (...args: string[]) => Promise<CliResult>;
  /** Stops the bed's worker now (to show what still works without one). */
  stopWorker(): Promise<void>;
}

export function useCliTestBed(prefix: string): CliTestBed {
  const bed = {} as CliTestBed;
  let worker: TestWorker | undefined;
  const clientHolder = useClient();
  beforeAll(async () => {
    bed.client = clientHolder.client;
    bed.outputRoot = await tempDir(`${prefix}-out`);
    bed.dir = await tempDir(prefix);
    const taskQueue = uniqueName(prefix);
    worker = await startTestWorker({ taskQueue, outputRoot: bed.outputRoot });
    // Its own state folder: what `pending` showed (and `approve` is pinned to) stays with this file.
    // The worker's output root is this machine's too: reads check a report against it (report-file.ts).
    bed.env = {
      TEMPORAL_ADDRESS: testAddress(),
      HARNESS_TASK_QUEUE: taskQueue,
      HARNESS_IDENTITY: 'tester',
      XDG_STATE_HOME: bed.dir,
      HARNESS_OUTPUT_DIR: bed.outputRoot,
    };
    bed.harness = (...args) => runHarness(args, bed.env);
    bed.stopWorker = async () => {
      await worker?.stop();
      worker = undefined;
    };
  });
  afterAll(async () => worker?.stop());
  return bed;
}
