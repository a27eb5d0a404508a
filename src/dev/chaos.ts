/**
 * `npm run chaos`: a bounded, loopback-only failure drill. Starts a dev server (SQLite) and two
 * worker processes, launches N runs that are approved as they reach the gate, SIGKILLs workers
 * at random moments (restarting them) and the server once, then checks every run.
 * Exits non-zero when a run is lost or stuck, or a report is duplicated or partial.
 */
import { harnessDataConverter } from '../codec/data-converter';
import { effectiveVariables } from '../config/env';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { startRun } from '../client/api/runs';
import { readSourcesFile, SAMPLE_SOURCES } from '../client/api/sources-file';
import { stopProcess } from '../stop-process';
import { startDevServer, RunningServer } from '../dev-server/dev-server';
import { freeLoopbackAddress } from '../dev-server/free-port';
import { REPO_ROOT } from '../paths';
import { approveSignal } from '../shared/messages';
import type { RunResult } from '../shared/run';
import { HARNESS_STATUS } from '../shared/search-attributes';

interface ChaosOptions {
  runs: number;
  workers: number;
  killEveryMs: number;
  maxKills: number;
  latencyMs: number;
  deadlineS: number;
  seed: number;
  serverRestart: boolean;
  json: boolean;
}

export interface ChaosReport {
  settings: Omit<ChaosOptions, 'json'>;
  started: number;
  completed: number;
  rejected: number;
  failed: number;
  lost: number;
  stuck: number;
  badReports: number;
  workerKills: number;
  serverRestarts: number;
  longestWaitAfterKillMs: number;
  longestWaitAfterServerRestartMs: number;
  elapsedS: number;
}

/** mulberry32: a seeded PRNG, so a chaos schedule can be replayed with --seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HARNESS_BIN = path.join(REPO_ROOT, 'bin', 'harness.js');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`chaos: ${line}\n`);

function spawnWorker(env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  return spawn(process.execPath, [HARNESS_BIN, 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'ignore'],
  }).on('error', (err) => log(`worker failed to start: ${err.message} (${logFile})`));
}

interface Progress {
  historyLength: number;
  status: string;
  closed: boolean;
  changedAt: number;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const startedAt = Date.now();
  const deadline = startedAt + options.deadlineS * 1000;
  const random = seededRandom(options.seed);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'harness-chaos-'));
  const address = await freeLoopbackAddress();
  const serverOptions = { address, dbFile: path.join(dir, 'temporal.sqlite'), logFile: path.join(dir, 'server.log') };
  const taskQueue = `chaos-${options.seed}-${Date.now()}`;
  const outputRoot = path.join(dir, 'runs');
  const workerEnv = {
    TEMPORAL_ADDRESS: address,
    HARNESS_TASK_QUEUE: taskQueue,
    HARNESS_OUTPUT_DIR: outputRoot,
    HARNESS_OFFLINE_LATENCY_MS: String(options.latencyMs),
  };
  log(`server ${address}, state in ${dir}`);
  let server: RunningServer = await startDevServer(serverOptions);
  const workers = Array.from({ length: options.workers }, () => spawnWorker(workerEnv, dir));
  const connection = await Connection.connect({ address });
  // The workers inherit this environment, codec keys included: the client reads what they write.
  const client = new Client({ connection, dataConverter: harnessDataConverter(effectiveVariables()) });

  const sources = await readSourcesFile(SAMPLE_SOURCES);
  const ids: string[] = [];
  for (let i = 0; i < options.runs; i++) {
    const workflowId = `${taskQueue}-run-${i}`;
    await startRun(
      { client, taskQueue },
      { id: workflowId, topic: 'durable agent harness', sources, options: { heartbeatTimeoutMs: 2_000 } },
    );
    ids.push(workflowId);
  }
  log(`started ${ids.length} runs on ${options.workers} workers`);

  const progress = new Map<string, Progress>();
  const approvedAt = new Map<string, number>();
  const kills: number[] = [];
  let serverRestartAt: number | null = null;
  let nextKillAt = Date.now() + options.killEveryMs * (0.5 + random());

  const poll = async () => {
    const now = Date.now();
    for await (const info of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
      const status = info.typedSearchAttributes.get(HARNESS_STATUS) ?? 'unknown';
      const closed = info.status.name !== 'RUNNING';
      const before = progress.get(info.workflowId);
      if (!before || before.historyLength !== info.historyLength || before.closed !== closed) {
        progress.set(info.workflowId, { historyLength: info.historyLength, status, closed, changedAt: now });
      }
      if (!closed && status === 'waiting_approval' && now - (approvedAt.get(info.workflowId) ?? 0) > 5_000) {
        approvedAt.set(info.workflowId, now);
        await client.workflow.getHandle(info.workflowId).signal(approveSignal, { approver: 'chaos' });
      }
    }
  };
  const closedCount = () => [...progress.values()].filter((p) => p.closed).length;

  while (Date.now() < deadline && closedCount() < ids.length) {
    await poll().catch(() => undefined); // the server may be down mid-restart
    const now = Date.now();
    if (options.serverRestart && serverRestartAt === null && closedCount() >= ids.length * 0.3) {
      log('SIGKILL server; restarting on the same SQLite file');
      process.kill(server.pid!, 'SIGKILL');
      await pause(200);
      serverRestartAt = Date.now();
      server = await startDevServer(serverOptions);
    } else if (kills.length < options.maxKills && now >= nextKillAt) {
      const victim = Math.floor(random() * workers.length);
      workers[victim].kill('SIGKILL');
      kills.push(now);
      log(`SIGKILL worker ${victim} (kill ${kills.length}); restarting it`);
      await pause(300 + random() * 700);
      workers[victim] = spawnWorker(workerEnv, dir);
      nextKillAt = Date.now() + options.killEveryMs * (0.5 + random());
    }
    await pause(250);
  }

  // Longest wait: for each disruption, how long until each then-open run changed again.
  const history = await collectChanges(client, ids);
  const waitAfter = (t: number) =>
    Math.max(
      0,
      ...ids
        .map((id) => history.get(id)?.find((changeAt) => changeAt > t))
        .filter((x): x is number => x !== undefined)
        .map((x) => x - t),
    );
  const { json: _json, ...settings } = options;
  const report: ChaosReport = {
    settings,
    started: ids.length,
    completed: 0,
    rejected: 0,
    failed: 0,
    lost: 0,
    stuck: 0,
    badReports: 0,
    workerKills: kills.length,
    serverRestarts: serverRestartAt === null ? 0 : 1,
    longestWaitAfterKillMs: Math.max(0, ...kills.map(waitAfter)),
    longestWaitAfterServerRestartMs: serverRestartAt === null ? 0 : waitAfter(serverRestartAt),
    elapsedS: 0,
  };

  for (const id of ids) {
    const handle = client.workflow.getHandle(id);
    try {
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') {
        report.stuck++;
        continue;
      }
      const result = (await handle.result().catch(() => null)) as RunResult | null;
      if (!result) report.failed++;
      else if (result.status === 'rejected') report.rejected++;
      else if (result.status === 'completed') {
        report.completed++;
        if (!(await reportIsSingleAndWhole(outputRoot, id, result))) report.badReports++;
      }
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) report.lost++;
      else throw err;
    }
  }
  report.elapsedS = Math.round((Date.now() - startedAt) / 100) / 10;

  // Chaos never outlives its report: each worker gets SIGTERM, then SIGKILL if it has not gone.
  await Promise.all(workers.map((worker) => stopProcess(worker)));
  await connection.close();
  await server.stop();
  return report;
}

/** Times at which each run's history grew, from its event timestamps (server-side clocks). */
async function collectChanges(client: Client, ids: string[]): Promise<Map<string, number[]>> {
  const changes = new Map<string, number[]>();
  for (const id of ids) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    changes.set(
      id,
      (history.events ?? []).map((e) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6)),
    );
  }
  return changes;
}

async function reportIsSingleAndWhole(outputRoot: string, id: string, result: RunResult): Promise<boolean> {
  const dir = path.join(outputRoot, id);
  const files = await fs.readdir(dir).catch(() => []);
  if (files.length !== 1 || files[0] !== 'final_report.md') return false;
  const digest = createHash('sha256')
    .update(await fs.readFile(path.join(dir, files[0])))
    .digest('hex');
  return digest === result.artifacts.draft?.sha256 && digest === result.artifacts.report?.sha256;
}

export function formatChaosTable(r: ChaosReport): string {
  const rows: [string, string | number, string][] = [
    ['runs started', r.started, ''],
    ['completed', r.completed, ''],
    ['rejected', r.rejected, ''],
    ['failed', r.failed, ''],
    ['lost', r.lost, 'must be 0'],
    ['stuck', r.stuck, 'must be 0'],
    ['duplicate or partial reports', r.badReports, 'must be 0'],
    ['worker SIGKILLs', r.workerKills, ''],
    ['server SIGKILL + restarts', r.serverRestarts, ''],
    ['longest wait for a worker after a kill', `${(r.longestWaitAfterKillMs / 1000).toFixed(1)} s`, ''],
    ['longest wait after the server restart', `${(r.longestWaitAfterServerRestartMs / 1000).toFixed(1)} s`, ''],
    ['elapsed', `${r.elapsedS} s`, ''],
  ];
  return ['| figure | value | |', '| --- | --- | --- |', ...rows.map(([k, v, note]) => `| ${k} | ${v} | ${note} |`)].join('\n');
}

export const chaosPassed = (r: ChaosReport) => r.lost === 0 && r.stuck === 0 && r.badReports === 0 && r.completed === r.started;

async function main(): Promise<void> {
  const int = (v: string) => Number.parseInt(v, 10);
  const options = new Command('chaos')
    .option('--runs <n>', 'runs to launch', int, 50)
    .option('--workers <n>', 'worker processes', int, 2)
    .option('--kill-every-ms <ms>', 'mean time between worker kills', int, 2_500)
    .option('--max-kills <n>', 'at most this many worker kills', int, 10)
    .option('--latency-ms <ms>', 'simulated model latency per step', int, 300)
    .option('--deadline-s <s>', 'give up (and count stuck runs) after this long', int, 600)
    .option('--seed <n>', 'seed of the kill schedule', int, 1)
    .option('--no-server-restart', 'skip the server SIGKILL')
    .option('--json', 'print the report as JSON')
    .parse()
    .opts<ChaosOptions>();
  const report = await runChaos(options);
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatChaosTable(report)}\n`);
  if (!chaosPassed(report)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`chaos: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
