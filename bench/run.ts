/**
 * `npm run bench`: the harness's cost on the embedded default (dev server + SQLite) on this
 * machine, each figure beside a baseline measured in the same invocation. Loopback only,
 * bounded in time. Writes bench/results/latest.{json,md} and a dated copy.
 */
import { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackAddress } from '../src/dev-server/free-port';
import { findGoTool, TEMPORAL_CLI } from '../src/toolchain/go-tools';
import { REPO_ROOT } from '../src/paths';
import { BenchEnv, BenchSettings, PeerName, PEERS } from './bench-env';
import { freePort } from '../src/dev-server/free-port';
import { startJaeger } from '../src/observability/jaeger';
import { startPrometheus } from '../src/observability/prometheus';
import {
  BenchMode,
  codecBeside,
  floor,
  harnessBesideFloor,
  parked,
  realistic,
  recovery,
  RecoveryProfile,
  telemetryBeside,
  throughput,
  ThroughputResult,
} from './scenarios';
import { renderMarkdown, BenchReport } from './report';
import { agentScenario } from './agent-scenario';
import { inboxScenario } from './inbox-scenario';

const int = (v: string) => Number.parseInt(v, 10);

async function versions(): Promise<Record<string, string>> {
  const temporal = await findGoTool(TEMPORAL_CLI);
  const pkg = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'node_modules/@temporalio/worker/package.json'), 'utf8'));
  return {
    node: process.version,
    temporalSdk: pkg.version,
    temporalCli: temporal ? execFileSync(temporal, ['--version']).toString().trim() : 'not found',
  };
}

const SCENARIOS = ['throughput', 'parked', 'recovery', 'realistic', 'telemetry', 'codec', 'backends', 'agents', 'inbox'];

/** The scenarios not to run: those named by --skip, or with --only every one it does not name. */
function scenariosSkipped(skipList: string, onlyList: string): Set<string> {
  const names = (list: string) => list.split(',').filter(Boolean);
  for (const name of [...names(skipList), ...names(onlyList)])
    if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario "${name}" (${SCENARIOS.join(', ')})`);
  if (!onlyList) return new Set(names(skipList));
  const only = new Set(names(onlyList));
  return new Set([...SCENARIOS.filter((name) => !only.has(name)), ...names(skipList)]);
}

function peersOf(list: string): PeerName[] {
  const names = list.split(',').filter(Boolean);
  for (const name of names)
    if (!(PEERS as readonly string[]).includes(name)) throw new Error(`--agent-peers: unknown peer "${name}" (${PEERS.join(', ')})`);
  return names as PeerName[];
}

function unknownProfile(name: string): never {
  throw new Error(`--recovery-profiles: unknown profile "${name}" (defaults, fast)`);
}

/** Concurrency levels with their run counts and batch counts: single runs alternate at 1, else batches of two waves. */
function levelsOf(concurrencyList: string, runsList: string): [number, number, number][] {
  const counts = String(runsList).split(',').map(int);
  return String(concurrencyList)
    .split(',')
    .map(int)
    .map((concurrency, i) => {
      const runs = counts[i] ?? counts[counts.length - 1];
      return [concurrency, runs, concurrency === 1 ? runs : Math.max(1, Math.floor(runs / (2 * concurrency)))];
    });
}

/** Tracing to a real Jaeger and metrics scraped by a real Prometheus, on a second worker beside the plain one. */
async function measureTelemetry(
  env: BenchEnv,
  o: { telemetryConcurrency: string; telemetryRuns: string },
  report: BenchReport,
  log: (line: string) => void,
): Promise<void> {
  const jaeger = await startJaeger(
    { otlpGrpc: await freePort(), otlpHttp: await freePort(), ui: await freePort() },
    path.join(env.dir, 'jaeger'),
  );
  const metricsAddress = await freeLoopbackAddress();
  const prometheus = await startPrometheus({
    port: await freePort(),
    targets: [metricsAddress],
    intervalS: 1,
    dir: path.join(env.dir, 'prometheus'),
  });
  try {
    await env.startObservedWorker(jaeger.otlpEndpoint, metricsAddress);
    for (const [concurrency, runs, batches] of levelsOf(o.telemetryConcurrency, o.telemetryRuns)) {
      const [off, on] = await telemetryBeside(env, concurrency, runs, batches);
      report.telemetry!.push({ off, on });
      log(`telemetry c=${concurrency}: ${off.runsPerSecond.toFixed(2)} runs/s off, ${on.runsPerSecond.toFixed(2)} on`);
    }
  } finally {
    await prometheus.stop();
    await jaeger.stop();
  }
}

async function main(): Promise<void> {
  const o = new Command('bench')
    .option(
      '--modes <list>',
      "execution modes: remote, local-steps, local, default (the registry's), multi-role (default, as roles)",
      'remote,local-steps,local,default,multi-role',
    )
    .option('--concurrency <list>', 'throughput levels', '1,10,50')
    .option('--runs <list>', 'runs per throughput level', '20,100,200')
    .option('--floor-runs <n>', 'in-process baseline runs', int, 200)
    .option('--parked <n>', 'runs parked at the gate', int, 1000)
    .option('--recovery <n>', 'runs in flight at the worker kill', int, 50)
    .option('--latency-ms <ms>', 'simulated model latency per model step', int, 0)
    .option('--recovery-latency-ms <ms>', 'model latency in the recovery scenario, so the kill lands mid-flight', int, 300)
    .option('--recovery-load <n>', 'runs at concurrency 50 before the kill, under the same timeouts', int, 200)
    .option('--recovery-profiles <list>', 'recovery: defaults (Temporal timeouts), fast (the --fast-* ones)', 'defaults,fast')
    .option('--fast-task-timeout-ms <ms>', 'recovery, fast profile: workflow task timeout', int, 2_000)
    .option('--fast-heartbeat-ms <ms>', 'recovery, fast profile: heartbeat timeout of every tool', int, 1_500)
    .option('--fast-sticky-ms <ms>', 'recovery, fast profile: sticky-queue timeout', int, 1_000)
    .option('--max-cached-workflows <n>', 'worker: workflow cache size', int)
    .option('--workflow-heap-mb <mb>', 'worker: heap ceiling of the workflow thread', int)
    .option('--worker-node-options <flags>', 'worker: NODE_OPTIONS, e.g. "--max-old-space-size=192"')
    .option('--max-concurrent-activities <n>', 'worker: concurrent activity tasks', int)
    .option('--max-concurrent-workflow-tasks <n>', 'worker: concurrent workflow tasks', int)
    .option('--sticky-timeout-ms <ms>', 'worker: sticky-queue schedule-to-start timeout', int)
    .option('--pragma <pragma...>', 'server SQLite pragmas', ['journal_mode=WAL'])
    .option('--dynamic-config <key=json...>', 'server dynamic config values, e.g. matching.numTaskqueueReadPartitions=1')
    .option('--watch-ms <ms>', 'how often the approver lists runs waiting at the gate', int, 250)
    .option('--no-eager-activities', 'turn off eager activity execution on the server (the default before it was measured)')
    .option('--realistic <n>', 'realistic scenario: runs in flight (model latency --realistic-latency-ms)', int, 500)
    .option('--realistic-runs <n>', 'realistic scenario: runs in all', int, 1000)
    .option('--realistic-latency-ms <ms>', 'realistic scenario: model latency per model step', int, 1000)
    .option('--telemetry-concurrency <list>', 'telemetry scenario: concurrency levels', '1,10')
    .option('--telemetry-runs <list>', 'telemetry scenario: runs per level and per side', '20,100')
    .option('--codec-concurrency <list>', 'codec scenario: concurrency levels', '1,10')
    .option('--codec-runs <list>', 'codec scenario: runs per level and per side', '20,100')
    .option('--backend-concurrency <list>', 'dev server beside cluster: concurrency levels', '10,50')
    .option('--backend-runs <list>', 'dev server beside cluster: runs per level', '100,200')
    .option('--backend-recovery <n>', 'dev server beside cluster: runs in flight at the worker kill', int, 50)
    .option('--agent-concurrency <list>', 'agents: concurrency levels (ten-turn agent beside its Temporal floor)', '1,50')
    .option('--agent-runs <list>', 'agents: runs per level and per side', '20,200')
    .option('--agent-session-turns <n>', 'agents: turns of the one long session (0: none)', int, 1000)
    .option(
      '--agent-peers <list>',
      `agents: Temporal's AI integrations measured beside the harness (${PEERS.join(', ')}; '' for none)`,
      PEERS.join(','),
    )
    .option('--inbox <n>', 'inbox: runs waiting at the gate while the approvals page is measured', int, 1000)
    .option('--inbox-viewers <n>', 'inbox: open inbox pages the page server is measured with, beside one', int, 20)
    .option('--inbox-poll-ms <ms>', "inbox: the page server's visibility poll", int, 1000)
    .option('--skip <list>', `skip scenarios: ${SCENARIOS.join(',')}`, '')
    .option('--only <list>', 'run only these scenarios (the rest are skipped)', '')
    .option('--out <dir>', 'results folder', path.join(REPO_ROOT, 'bench', 'results'))
    .parse()
    .opts();
  const skip = scenariosSkipped(String(o.skip), String(o.only));
  const settings: BenchSettings = {
    worker: {
      nodeOptions: o.workerNodeOptions,
      maxCachedWorkflows: o.maxCachedWorkflows,
      workflowHeapMb: o.workflowHeapMb,
      maxConcurrentActivities: o.maxConcurrentActivities,
      maxConcurrentWorkflowTasks: o.maxConcurrentWorkflowTasks,
      stickyQueueTimeoutMs: o.stickyTimeoutMs,
    },
    sqlitePragmas: o.pragma,
    dynamicConfig: o.dynamicConfig,
    latencyMs: o.latencyMs,
    watchIntervalMs: o.watchMs,
    eagerActivities: o.eagerActivities,
  };
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
    },
    versions: await versions(),
    settings,
    floor: await floor(o.floorRuns, o.latencyMs),
    throughput: [],
    parked: null,
    recovery: [],
    realistic: null,
    telemetry: [],
    codec: [],
    backends: [],
    agents: null,
    inbox: null,
    elapsedS: 0,
  };
  log(`floor: ${report.floor.meanRunMs.toFixed(2)} ms per run in-process`);

  if (!skip.has('throughput') || !skip.has('parked')) {
    const env = await BenchEnv.start(settings, await freeLoopbackAddress());
    try {
      if (!skip.has('throughput')) {
        await env.startFloorWorker();
        const modes = String(o.modes).split(',') as BenchMode[];
        for (const [concurrency, runs, batches] of levelsOf(o.concurrency, o.runs)) {
          for (const mode of modes) {
            const results =
              // The registry's own mix and the roles have no floor of their own shape.
              mode === 'default' || mode === 'multi-role'
                ? [await throughput(env, 'harness', mode, concurrency, runs)]
                : await harnessBesideFloor(env, mode, concurrency, runs, batches);
            for (const result of results) {
              log(
                `${result.subject} ${mode} c=${concurrency}: ${result.runsPerSecond.toFixed(2)} runs/s, p50 ${result.startToCompletedMs.p50.toFixed(0)} ms`,
              );
              report.throughput.push(result);
            }
          }
        }
      }
      if (!skip.has('parked')) {
        report.parked = await parked(env, o.parked);
        log(
          `parked ${o.parked}: peak worker RSS ${report.parked.workerRssPeakWhileParkedMb.toFixed(0)} MB, drained in ${report.parked.drainS.toFixed(1)} s`,
        );
      }
    } finally {
      await env.stop();
    }
  }
  if (!skip.has('recovery')) {
    const profiles: Record<string, RecoveryProfile> = {
      defaults: { name: 'Temporal defaults' },
      fast: {
        name: 'fast detection',
        workflowTaskTimeoutMs: o.fastTaskTimeoutMs,
        heartbeatTimeoutMs: o.fastHeartbeatMs,
        stickyQueueTimeoutMs: o.fastStickyMs,
      },
    };
    for (const profile of String(o.recoveryProfiles)
      .split(',')
      .map((name) => profiles[name] ?? unknownProfile(name))) {
      const { workflowTaskTimeoutMs, heartbeatTimeoutMs, stickyQueueTimeoutMs } = profile;
      const env = await BenchEnv.start(
        {
          ...settings,
          latencyMs: o.recoveryLatencyMs,
          workflowTaskTimeoutMs,
          heartbeatTimeoutMs,
          worker: { ...settings.worker, ...(stickyQueueTimeoutMs ? { stickyQueueTimeoutMs } : {}) },
        },
        await freeLoopbackAddress(),
      );
      try {
        const result = await recovery(env, profile, o.recovery, o.recoveryLoad);
        report.recovery.push(result);
        log(`recovery (${profile.name}): all progressing ${result.allProgressingS.toFixed(1)} s after the kill`);
      } finally {
        await env.stop();
      }
    }
  }
  if (!skip.has('realistic')) {
    const env = await BenchEnv.start({ ...settings, latencyMs: o.realisticLatencyMs }, await freeLoopbackAddress());
    try {
      report.realistic = await realistic(env, o.realistic, o.realisticRuns);
      log(`realistic: ${report.realistic.runsPerSecond.toFixed(1)} runs/s of ${report.realistic.allowedRunsPerSecond.toFixed(1)} allowed`);
    } finally {
      await env.stop();
    }
  }
  if (!skip.has('telemetry') || !skip.has('codec')) {
    // Telemetry and the codec are each measured beside the plain worker, on one server.
    const env = await BenchEnv.start(settings, await freeLoopbackAddress());
    try {
      if (!skip.has('telemetry'))
        await measureTelemetry(env, { telemetryConcurrency: o.telemetryConcurrency, telemetryRuns: o.telemetryRuns }, report, log);
      if (!skip.has('codec')) {
        await env.startEncryptedWorker();
        for (const [concurrency, runs, batches] of levelsOf(o.codecConcurrency, o.codecRuns)) {
          const result = await codecBeside(env, concurrency, runs, batches);
          report.codec!.push(result);
          log(
            `codec c=${concurrency}: ${result.off.runsPerSecond.toFixed(2)} runs/s off, ${result.on.runsPerSecond.toFixed(2)} on; ` +
              `history ${result.historyBytes.off} → ${result.historyBytes.on} bytes`,
          );
        }
      }
    } finally {
      await env.stop();
    }
  }
  if (!skip.has('backends')) {
    // The same load on each server, one after the other, in this invocation.
    const counts = String(o.backendRuns).split(',').map(int);
    const fast: RecoveryProfile = {
      name: 'fast detection',
      workflowTaskTimeoutMs: o.fastTaskTimeoutMs,
      heartbeatTimeoutMs: o.fastHeartbeatMs,
      stickyQueueTimeoutMs: o.fastStickyMs,
    };
    for (const backend of ['dev-server', 'cluster'] as const) {
      const measured: ThroughputResult[] = [];
      const env = await BenchEnv.start(settings, await freeLoopbackAddress(), backend);
      try {
        for (const [i, concurrency] of String(o.backendConcurrency).split(',').map(int).entries()) {
          const t = await throughput(env, 'harness', 'default', concurrency, counts[i] ?? counts[counts.length - 1]);
          measured.push(t);
          log(`${backend} c=${concurrency}: ${t.runsPerSecond.toFixed(2)} runs/s, start→gate p50 ${t.startToGateMs.p50.toFixed(0)} ms`);
        }
      } finally {
        await env.stop();
      }
      const recoveryEnv = await BenchEnv.start(
        {
          ...settings,
          latencyMs: o.recoveryLatencyMs,
          workflowTaskTimeoutMs: fast.workflowTaskTimeoutMs,
          heartbeatTimeoutMs: fast.heartbeatTimeoutMs,
          worker: { ...settings.worker, stickyQueueTimeoutMs: fast.stickyQueueTimeoutMs },
        },
        await freeLoopbackAddress(),
        backend,
      );
      try {
        const recovered = await recovery(recoveryEnv, fast, o.backendRecovery, o.recoveryLoad);
        log(`${backend} recovery: all progressing ${recovered.allProgressingS.toFixed(1)} s after the kill`);
        report.backends!.push({ backend, throughput: measured, recovery: recovered });
      } finally {
        await recoveryEnv.stop();
      }
    }
  }
  if (!skip.has('agents')) {
    const env = await BenchEnv.start(settings, await freeLoopbackAddress());
    try {
      report.agents = await agentScenario(env, levelsOf(o.agentConcurrency, o.agentRuns), o.agentSessionTurns, peersOf(o.agentPeers), log);
    } finally {
      await env.stop();
    }
  }
  if (!skip.has('inbox')) {
    const env = await BenchEnv.start(settings, await freeLoopbackAddress());
    try {
      report.inbox = await inboxScenario(env, o.inbox, o.inboxViewers, o.inboxPollMs);
      log(`inbox: ${report.inbox.rows} rows, first paint ${report.inbox.firstContentfulPaintMs.toFixed(0)} ms`);
    } finally {
      await env.stop();
    }
  }
  report.elapsedS = Math.round((Date.now() - started) / 1000);

  await fs.mkdir(o.out, { recursive: true });
  const markdown = renderMarkdown(report);
  const stamp = report.date.replace(/[:.]/g, '-');
  for (const name of ['latest', stamp]) {
    await fs.writeFile(path.join(o.out, `${name}.json`), JSON.stringify(report, null, 2) + '\n');
    await fs.writeFile(path.join(o.out, `${name}.md`), markdown);
  }
  process.stdout.write(markdown);
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
