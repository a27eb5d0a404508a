/** The four measurements: throughput with latencies, overhead over an in-process floor, parked runs, recovery. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createActivities } from '../src/activities';
import { createOfflineProvider } from '../src/activities/model/offline-provider';
import { readSourcesFile, SAMPLE_SOURCES } from '../src/client/api/sources-file';
import { waitFor } from '../src/client/api/wait-for';
import { TOOL_NAMES, ToolName } from '../src/shared/tools';
import { BenchEnv, inPool, mean, percentile } from './bench-env';

export interface ThroughputResult {
  concurrency: number;
  runs: number;
  runsPerSecond: number;
  startToGateMs: { p50: number; p95: number; p99: number };
  approveToCompletedMs: { p50: number; p95: number; p99: number };
  meanRunMs: number;
  meanStepMs: Record<ToolName, number>;
}

const spread = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) });

export async function throughput(env: BenchEnv, concurrency: number, runs: number): Promise<ThroughputResult> {
  const ids = Array.from({ length: runs }, (_, i) => `${env.taskQueue}-c${concurrency}-${i}`);
  const startedAt = new Map<string, number>();
  const approvedAt = new Map<string, number>();
  const approver = env.approveAsTheyArrive((id, at) => approvedAt.set(id, at));
  const t0 = Date.now();
  await inPool(ids, concurrency, async (id) => {
    startedAt.set(id, Date.now());
    await (await env.startRun(id)).result();
  });
  const wallMs = Date.now() - t0;
  await approver.stop();

  const startToGate: number[] = [];
  const approveToDone: number[] = [];
  const steps = new Map<ToolName, number[]>();
  for (const id of ids) {
    const state = await env.state(id);
    const at = (type: string) => Date.parse(state.trace.find((e) => e.type === type)!.at);
    startToGate.push(at('approval_required') - startedAt.get(id)!);
    approveToDone.push(at('run_completed') - approvedAt.get(id)!);
    for (const step of state.steps) steps.set(step.tool, [...(steps.get(step.tool) ?? []), step.durationMs ?? 0]);
  }
  return {
    concurrency,
    runs,
    runsPerSecond: runs / (wallMs / 1000),
    startToGateMs: spread(startToGate),
    approveToCompletedMs: spread(approveToDone),
    meanRunMs: mean(startToGate) + mean(approveToDone),
    meanStepMs: Object.fromEntries(TOOL_NAMES.map((t) => [t, mean(steps.get(t) ?? [])])) as Record<ToolName, number>,
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
  // Earlier scenarios share the task queue: count only what this one adds.
  const completedBefore = await env.count(`HarnessStatus = 'completed'`);
  const idleRss = env.workerRssBytes();
  let peak = idleRss;
  const sampler = setInterval(() => (peak = Math.max(peak, env.workerRssBytes())), 250);
  const t0 = Date.now();
  try {
    await inPool(ids, 50, async (id) => void (await env.startRun(id)));
    await waitFor(async () => (await env.count(`HarnessStatus = 'waiting_approval'`)) >= runs, {
      timeoutMs: 20 * 60_000,
      intervalMs: 1_000,
      what: `${runs} runs to park at the gate`,
    });
  } finally {
    clearInterval(sampler);
  }
  const parkedAt = Date.now();
  await inPool(ids, 50, (id) => env.approve(id));
  await waitFor(async () => (await env.count(`HarnessStatus = 'completed'`)) - completedBefore >= runs, {
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
    completed: (await env.count(`HarnessStatus = 'completed'`)) - completedBefore,
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
