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
import { temporal } from '@temporalio/proto';
import type { RunExecution } from '../src/shared/execution';
import { approveUpdate, awaitGateUpdate } from '../src/shared/messages';
import type { RunResult } from '../src/shared/run';
import { TOOL_NAMES, ToolName } from '../src/shared/tools';
import { BenchEnv, inPool, mean, percentile, spread, Spread } from './bench-env';
import { floorApprove, floorAwaitGate, FloorMode, FloorRunResult } from './floor/messages';

/** How the steps run, for the harness and the bare Temporal floor alike (the harness's `default` has no floor twin). */
/** `multi-role`: the registry's modes, with roles as child workflows (`--multi-agent`). */
export type BenchMode = 'remote' | 'local-steps' | 'local' | 'default' | 'multi-role';

const HARNESS_EXECUTION: Record<BenchMode, RunExecution | undefined> = {
  remote: 'remote',
  'local-steps': { ...Object.fromEntries(TOOL_NAMES.map((t) => [t, 'local'])), finalize_report: 'remote' },
  local: 'local',
  default: undefined,
  'multi-role': undefined,
};

export interface ThroughputResult {
  /**
   * `harness-observed`: the same worker with OpenTelemetry tracing to Jaeger and Prometheus metrics on;
   * `harness-encrypted`: the same worker and client with the payload codec on.
   */
  subject: 'harness' | 'temporal-floor' | 'harness-observed' | 'harness-encrypted';
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

function harnessDriver(env: BenchEnv, mode: BenchMode, taskQueue = env.taskQueue, client = env.client): RunDriver {
  return {
    start: (id) => env.startRun(id, HARNESS_EXECUTION[mode], mode === 'multi-role', taskQueue, client),
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

/** What one batch of runs recorded: its wall time and each run's latencies. */
interface Batch {
  wallMs: number;
  startToGate: number[];
  approveToDone: number[];
  startToDone: number[];
  steps: number[][];
}

async function runBatch(driver: RunDriver, ids: string[], concurrency: number): Promise<Batch> {
  const batch: Batch = { wallMs: 0, startToGate: [], approveToDone: [], startToDone: [], steps: [] };
  const t0 = performance.now();
  await inPool(ids, concurrency, async (id) => {
    const started = performance.now();
    const run = await driver.start(id);
    const digest = await driver.awaitGate(run);
    const atGate = performance.now();
    await driver.approve(run, digest);
    const stepMs = await driver.stepMs(run);
    const done = performance.now();
    batch.startToGate.push(atGate - started);
    batch.approveToDone.push(done - atGate);
    batch.startToDone.push(done - started);
    stepMs.forEach((ms, i) => (batch.steps[i] = [...(batch.steps[i] ?? []), ms]));
  });
  batch.wallMs = performance.now() - t0;
  return batch;
}

function summarize(subject: ThroughputResult['subject'], mode: BenchMode, concurrency: number, batches: Batch[]): ThroughputResult {
  const all = (pick: (b: Batch) => number[]) => batches.flatMap(pick);
  const runs = all((b) => b.startToDone).length;
  return {
    subject,
    mode,
    concurrency,
    runs,
    runsPerSecond: runs / (batches.reduce((sum, b) => sum + b.wallMs, 0) / 1000),
    startToCompletedMs: spread(all((b) => b.startToDone)),
    startToGateMs: spread(all((b) => b.startToGate)),
    approveToCompletedMs: spread(all((b) => b.approveToDone)),
    stepP50Ms: batches[0].steps.map((_, i) =>
      percentile(
        all((b) => b.steps[i]),
        50,
      ),
    ),
  };
}

const driverOf = (env: BenchEnv, subject: ThroughputResult['subject'], mode: BenchMode) =>
  subject === 'harness'
    ? harnessDriver(env, mode)
    : subject === 'harness-observed'
      ? harnessDriver(env, mode, env.observedTaskQueue)
      : subject === 'harness-encrypted'
        ? harnessDriver(env, mode, env.encryptedTaskQueue, env.encryptedClient)
        : floorDriver(env, mode as FloorMode);

/** `runs` runs of one subject in one mode at a concurrency, in one batch. */
export async function throughput(
  env: BenchEnv,
  subject: ThroughputResult['subject'],
  mode: BenchMode,
  concurrency: number,
  runs: number,
): Promise<ThroughputResult> {
  const ids = Array.from({ length: runs }, (_, i) => `${env.taskQueue}-${subject}-${mode}-c${concurrency}-${i}`);
  return summarize(subject, mode, concurrency, [await runBatch(driverOf(env, subject, mode), ids, concurrency)]);
}

/**
 * The harness and the Temporal floor in the same mode, in alternating batches (floor first, then
 * harness first, …) so that the server's drift — its SQLite file growing, its background tasks
 * from earlier runs — falls on both alike. At concurrency 1 every batch is a single run.
 */
export async function harnessBesideFloor(
  env: BenchEnv,
  mode: Exclude<BenchMode, 'default'>,
  concurrency: number,
  runs: number,
  batches: number,
): Promise<[ThroughputResult, ThroughputResult]> {
  return alternating(env, 'beside-floor', ['temporal-floor', 'harness'], mode, concurrency, runs, batches);
}

/** The harness with telemetry off and on (tracing to a real Jaeger, metrics scraped by Prometheus), alternating the same way. */
export async function telemetryBeside(
  env: BenchEnv,
  concurrency: number,
  runs: number,
  batches: number,
): Promise<[ThroughputResult, ThroughputResult]> {
  return alternating(env, 'telemetry', ['harness', 'harness-observed'], 'default', concurrency, runs, batches);
}

export interface CodecResult {
  off: ThroughputResult;
  on: ThroughputResult;
  /** One completed run's whole history as Temporal stores it (protobuf bytes), without and with the codec. */
  historyBytes: { off: number; on: number };
}

/** The harness with the payload codec off and on (client and worker), alternating the same way, and what it adds to history. */
export async function codecBeside(env: BenchEnv, concurrency: number, runs: number, batches: number): Promise<CodecResult> {
  const [off, on] = await alternating(env, 'codec', ['harness', 'harness-encrypted'], 'default', concurrency, runs, batches);
  const bytes = async (subject: ThroughputResult['subject']) => {
    const history = await env.client.workflow.getHandle(`${env.taskQueue}-codec-${subject}-default-c${concurrency}-0`).fetchHistory();
    return temporal.api.history.v1.History.encode(history).finish().length;
  };
  return { off, on, historyBytes: { off: await bytes('harness'), on: await bytes('harness-encrypted') } };
}

/** Ids are tagged by scenario: several scenarios may measure the same subject on one server. */
async function alternating(
  env: BenchEnv,
  tag: string,
  subjects: [ThroughputResult['subject'], ThroughputResult['subject']],
  mode: BenchMode,
  concurrency: number,
  runs: number,
  batches: number,
): Promise<[ThroughputResult, ThroughputResult]> {
  const recorded: Record<string, Batch[]> = { [subjects[0]]: [], [subjects[1]]: [] };
  const size = Math.ceil(runs / batches);
  for (let b = 0; b * size < runs; b++) {
    for (const subject of b % 2 ? [...subjects].reverse() : subjects) {
      const ids = Array.from(
        { length: Math.min(size, runs - b * size) },
        (_, i) => `${env.taskQueue}-${tag}-${subject}-${mode}-c${concurrency}-${b * size + i}`,
      );
      recorded[subject].push(await runBatch(driverOf(env, subject, mode), ids, concurrency));
    }
  }
  return [
    summarize(subjects[0], mode, concurrency, recorded[subjects[0]]),
    summarize(subjects[1], mode, concurrency, recorded[subjects[1]]),
  ];
}

export interface RealisticResult {
  concurrency: number;
  runs: number;
  latencyMs: number;
  maxConcurrentActivities: number;
  runsPerSecond: number;
  /** What the settings allow: every model step (three per run) takes the latency, at most N activities at once. */
  allowedRunsPerSecond: number;
  startToCompletedMs: Spread;
  workerCpuPercent: number;
  workerRssPeakMb: number;
}

/**
 * A realistic load: model calls that take `latencyMs`, `concurrency` runs in flight, one worker.
 * The bound is the worker's activity slots, not Temporal: three model steps per run, each holding
 * a slot for the latency, so at most slots / (3 × latency) runs per second.
 */
export async function realistic(env: BenchEnv, concurrency: number, runs: number): Promise<RealisticResult> {
  const latencyMs = env.settings.latencyMs;
  const slots = env.settings.worker.maxConcurrentActivities ?? 100;
  const modelSteps = 3;
  const allowedRunsPerSecond = Math.min(concurrency, slots) / ((modelSteps * latencyMs) / 1000);
  let peak = env.workerRssBytes();
  const sampler = setInterval(() => (peak = Math.max(peak, env.workerRssBytes())), 250);
  const cpuBefore = env.workerCpuSeconds();
  try {
    const result = await throughput(env, 'harness', 'default', concurrency, runs);
    const wallS = runs / result.runsPerSecond;
    return {
      concurrency,
      runs,
      latencyMs,
      maxConcurrentActivities: slots,
      runsPerSecond: result.runsPerSecond,
      allowedRunsPerSecond,
      startToCompletedMs: result.startToCompletedMs,
      workerCpuPercent: ((env.workerCpuSeconds() - cpuBefore) / wallS) * 100,
      workerRssPeakMb: peak / 2 ** 20,
    };
  } finally {
    clearInterval(sampler);
  }
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

/** Failure-detection settings a recovery is measured under: Temporal's defaults (the baseline) or shorter ones. */
export interface RecoveryProfile {
  name: string;
  workflowTaskTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  stickyQueueTimeoutMs?: number;
}

export interface RecoveryResult {
  profile: RecoveryProfile;
  /** Concurrency 50 under the same settings before the kill: what the shorter timeouts cost on a loaded machine. */
  loaded: ThroughputResult & { workflowTaskTimeouts: number };
  latencyMs: number;
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
export async function recovery(env: BenchEnv, profile: RecoveryProfile, runs: number, loadRuns: number): Promise<RecoveryResult> {
  const loadedRuns = await throughput(env, 'harness', 'default', 50, loadRuns);
  const loaded = {
    ...loadedRuns,
    workflowTaskTimeouts: await workflowTaskTimeouts(env, `${env.taskQueue}-harness-default-c50-`, loadRuns),
  };
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
  const mine = `WorkflowId STARTS_WITH '${env.taskQueue}-recovery-'`;
  await waitFor(async () => (await env.count(`${mine} AND HarnessStatus = 'completed'`)) >= runs, {
    timeoutMs: 5 * 60_000,
    intervalMs: 200,
    what: 'every run to complete',
  });
  const completedAt = Date.now();
  await approver.stop();
  return {
    profile,
    loaded,
    latencyMs: env.settings.latencyMs,
    runs,
    inFlightAtKill: open.length,
    newWorkerReadyS: (readyAt - killAt) / 1000,
    allProgressingS: (progressingAt - killAt) / 1000,
    allCompletedS: (completedAt - killAt) / 1000,
    completed: await env.count(`${mine} AND HarnessStatus = 'completed'`),
  };
}

/** Workflow tasks that timed out across the given runs: a task timeout too short for a loaded worker shows here. */
async function workflowTaskTimeouts(env: BenchEnv, prefix: string, runs: number): Promise<number> {
  let count = 0;
  await inPool(
    Array.from({ length: runs }, (_, i) => `${prefix}${i}`),
    25,
    async (id) => {
      const events = (await env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
      count += events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
    },
  );
  return count;
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
