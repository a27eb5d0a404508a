/** The four measurements: throughput with latencies, overhead over an in-process floor, parked runs, recovery. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createActivities } from '../src/activities';
import { createOfflineProvider } from '../src/activities/model/offline-provider';
import { readSourcesFile, SAMPLE_SOURCES } from '../src/client/api/sources-file';
import { waitFor } from '../src/client/api/wait-for';
import type { WorkflowHandle } from '@temporalio/client';
import type { RunExecution } from '../src/shared/execution';
import { approveUpdate, awaitGateUpdate } from '../src/shared/messages';
import type { RunResult } from '../src/shared/run';
import { TOOL_NAMES, ToolName } from '../src/shared/tools';
import { BenchEnv, inPool, mean, percentile } from './bench-env';
import { floorApprove, floorAwaitGate, FloorMode, FloorRunResult } from './floor/messages';

/** How the steps run, for the harness and the bare Temporal floor alike (the harness's `default` has no floor twin). */
export type BenchMode = 'remote' | 'local-steps' | 'local' | 'default';

const HARNESS_EXECUTION: Record<BenchMode, RunExecution | undefined> = {
  remote: 'remote',
  'local-steps': { ...Object.fromEntries(TOOL_NAMES.map((t) => [t, 'local'])), finalize_report: 'remote' },
  local: 'local',
  default: undefined,
};

type Spread = { p50: number; p95: number; p99: number };
const spread = (values: number[]): Spread => ({ p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) });

export interface ThroughputResult {
  subject: 'harness' | 'temporal-floor';
  mode: BenchMode;
  concurrency: number;
  runs: number;
  runsPerSecond: number;
  startToCompletedMs: Spread;
  startToGateMs: Spread;
  approveToCompletedMs: Spread;
  /** p50 of each of the six steps, in order, on the workflow clock. */
  stepP50Ms: number[];
}

/** One run driven as an approver would: start, wait for the gate through an update, approve at once, take the result. */
interface RunDriver {
  start(id: string): Promise<WorkflowHandle>;
  awaitGate(run: WorkflowHandle): Promise<string | undefined>;
  approve(run: WorkflowHandle, digest: string | undefined): Promise<void>;
  stepMs(run: WorkflowHandle): Promise<number[]>;
}

function harnessDriver(env: BenchEnv, mode: BenchMode): RunDriver {
  return {
    start: (id) => env.startRun(id, HARNESS_EXECUTION[mode]),
    awaitGate: async (run) => (await run.executeUpdate(awaitGateUpdate, { args: [{}] })).pendingAction?.digest,
    approve: async (run, digest) => void (await run.executeUpdate(approveUpdate, { args: [{ approver: 'bench', digest }] })),
    stepMs: async (run) => ((await run.result()) as RunResult).steps.map((s) => s.durationMs ?? 0),
  };
}

function floorDriver(env: BenchEnv, mode: FloorMode): RunDriver {
  return {
    start: (id) => env.client.workflow.start('floorRun', { taskQueue: env.floorTaskQueue, workflowId: id, args: [mode] }),
    awaitGate: async (run) => void (await run.executeUpdate(floorAwaitGate)),
    approve: async (run) => void (await run.executeUpdate(floorApprove)),
    stepMs: async (run) => ((await run.result()) as FloorRunResult).stepMs,
  };
}

export async function throughput(
  env: BenchEnv,
  subject: ThroughputResult['subject'],
  mode: BenchMode,
  concurrency: number,
  runs: number,
): Promise<ThroughputResult> {
  if (subject === 'temporal-floor' && mode === 'default') throw new Error('the Temporal floor has no default mode');
  const driver = subject === 'harness' ? harnessDriver(env, mode) : floorDriver(env, mode as FloorMode);
  const ids = Array.from({ length: runs }, (_, i) => `${env.taskQueue}-${subject}-${mode}-c${concurrency}-${i}`);
  const startToGate: number[] = [];
  const approveToDone: number[] = [];
  const startToDone: number[] = [];
  const steps: number[][] = [];
  const t0 = performance.now();
  await inPool(ids, concurrency, async (id) => {
    const started = performance.now();
    const run = await driver.start(id);
    const digest = await driver.awaitGate(run);
    const atGate = performance.now();
    await driver.approve(run, digest);
    const stepMs = await driver.stepMs(run);
    const done = performance.now();
    startToGate.push(atGate - started);
    approveToDone.push(done - atGate);
    startToDone.push(done - started);
    stepMs.forEach((ms, i) => (steps[i] = [...(steps[i] ?? []), ms]));
  });
  const wallMs = performance.now() - t0;
  return {
    subject,
    mode,
    concurrency,
    runs,
    runsPerSecond: runs / (wallMs / 1000),
    startToCompletedMs: spread(startToDone),
    startToGateMs: spread(startToGate),
    approveToCompletedMs: spread(approveToDone),
    stepP50Ms: steps.map((values) => percentile(values, 50)),
  };
}

export interface FloorResult {
  runs: number;
  meanRunMs: number;
  meanStepMs: Record<ToolName, number>;
}

/** The same tool functions called in-process in a plain loop: what a run costs with no Temporal at all. */
export async function floor(runs: number, latencyMs: number): Promise<FloorResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'harness-floor-'));
  const tools = createActivities({ outputRoot: dir, model: createOfflineProvider(latencyMs) });
  const sources = await readSourcesFile(SAMPLE_SOURCES);
  const times = new Map<ToolName, number[]>();
  const timed = async <T>(tool: ToolName, call: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await call();
    times.set(tool, [...(times.get(tool) ?? []), performance.now() - t]);
    return out;
  };
  const perRun: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const topic = 'durable agent harness';
    const plan = await timed('plan_run', () => tools.plan_run({ topic, sourceTitles: sources.map((s) => s.title) }));
    const { matches } = await timed('search_sources', () => tools.search_sources({ topic, sources }));
    const { facts } = await timed('extract_facts', () => tools.extract_facts({ matches }));
    const draft = await timed('draft_report', () => tools.draft_report({ topic, plan: plan.steps, facts }));
    await timed('review_draft', () => tools.review_draft({ topic, markdown: draft.markdown }));
    await timed('finalize_report', () => tools.finalize_report({ runId: `floor-${i}`, markdown: draft.markdown, sha256: draft.sha256 }));
    perRun.push(performance.now() - t);
  }
  await fs.rm(dir, { recursive: true, force: true });
  return {
    runs,
    meanRunMs: mean(perRun),
    meanStepMs: Object.fromEntries(TOOL_NAMES.map((t) => [t, mean(times.get(t) ?? [])])) as Record<ToolName, number>,
  };
}

export interface ParkedResult {
  runs: number;
  timeToParkS: number;
  workerRssIdleMb: number;
  workerRssPeakWhileParkedMb: number;
  drainS: number;
  completed: number;
}

export async function parked(env: BenchEnv, runs: number): Promise<ParkedResult> {
  const ids = Array.from({ length: runs }, (_, i) => `${env.taskQueue}-parked-${i}`);
  // Earlier scenarios share the task queue (and visibility lags): count only this scenario's runs.
  const mine = `WorkflowId STARTS_WITH '${env.taskQueue}-parked-'`;
  const idleRss = env.workerRssBytes();
  let peak = idleRss;
  const sampler = setInterval(() => (peak = Math.max(peak, env.workerRssBytes())), 250);
  const t0 = Date.now();
  try {
    await inPool(ids, 50, async (id) => void (await env.startRun(id)));
    await waitFor(async () => (await env.count(`${mine} AND HarnessStatus = 'waiting_approval'`)) >= runs, {
      timeoutMs: 20 * 60_000,
      intervalMs: 1_000,
      what: `${runs} runs to park at the gate`,
    });
  } finally {
    clearInterval(sampler);
  }
  const parkedAt = Date.now();
  await inPool(ids, 50, (id) => env.approve(id));
  await waitFor(async () => (await env.count(`${mine} AND HarnessStatus = 'completed'`)) >= runs, {
    timeoutMs: 20 * 60_000,
    intervalMs: 500,
    what: `${runs} parked runs to complete`,
  });
  const drainS = (Date.now() - parkedAt) / 1000;
  return {
    runs,
    timeToParkS: (parkedAt - t0) / 1000,
    workerRssIdleMb: idleRss / 2 ** 20,
    workerRssPeakWhileParkedMb: peak / 2 ** 20,
    drainS,
    completed: await env.count(`${mine} AND HarnessStatus = 'completed'`),
  };
}

export interface RecoveryResult {
  runs: number;
  inFlightAtKill: number;
  newWorkerReadyS: number;
  allProgressingS: number;
  allCompletedS: number;
  completed: number;
}

/**
 * K runs in flight, the worker SIGKILLed, a new one started: how long until every run moves
 * again, and until all finish. Approvals start after the kill, so runs that reached the gate
 * also need the new worker to move on.
 */
export async function recovery(env: BenchEnv, runs: number): Promise<RecoveryResult> {
  const ids = Array.from({ length: runs }, (_, i) => `${env.taskQueue}-recovery-${i}`);
  await inPool(ids, 50, async (id) => void (await env.startRun(id)));
  // Every run has scheduled its first activity: the kill lands mid-flight.
  await waitFor(async () => [...(await historyLengths(env, ids)).values()].every((h) => h.length >= 5), {
    timeoutMs: 60_000,
    intervalMs: 100,
    what: 'runs to start',
  });
  const before = await historyLengths(env, ids);
  const open = ids.filter((id) => before.get(id)!.open);
  const killAt = Date.now();
  env.killWorker();
  await env.startWorker();
  const readyAt = Date.now();
  const approver = env.approveAsTheyArrive();
  const movedAt = new Map<string, number>();
  await waitFor(
    async () => {
      const now = await historyLengths(
        env,
        open.filter((id) => !movedAt.has(id)),
      );
      for (const [id, h] of now) if (h.length > before.get(id)!.length) movedAt.set(id, Date.now());
      return movedAt.size === open.length;
    },
    { timeoutMs: 5 * 60_000, intervalMs: 100, what: 'every run to progress after the kill' },
  );
  const progressingAt = Math.max(killAt, ...movedAt.values());
  await waitFor(async () => (await env.count(`HarnessStatus = 'completed'`)) >= runs, {
    timeoutMs: 5 * 60_000,
    intervalMs: 200,
    what: 'every run to complete',
  });
  const completedAt = Date.now();
  await approver.stop();
  return {
    runs,
    inFlightAtKill: open.length,
    newWorkerReadyS: (readyAt - killAt) / 1000,
    allProgressingS: (progressingAt - killAt) / 1000,
    allCompletedS: (completedAt - killAt) / 1000,
    completed: await env.count(`HarnessStatus = 'completed'`),
  };
}

/** Current history lengths from DescribeWorkflowExecution (visibility only learns them at close). */
async function historyLengths(env: BenchEnv, ids: string[]): Promise<Map<string, { length: number; open: boolean }>> {
  const lengths = new Map<string, { length: number; open: boolean }>();
  await inPool(ids, 25, async (id) => {
    const d = await env.client.workflow.getHandle(id).describe();
    lengths.set(id, { length: d.historyLength, open: d.status.name === 'RUNNING' });
  });
  return lengths;
}
