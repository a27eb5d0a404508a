/** The benchmark report as JSON and as the Markdown table docs/benchmarks.md shows. */
import { TOOL_NAMES } from '../src/shared/tools';
import { InboxResult, inboxLines } from './inbox-scenario';
import type { BenchBackend, BenchSettings } from './bench-env';
import type { AgentReport } from './agent-scenario';
import type { CodecResult, FloorResult, ParkedResult, RealisticResult, RecoveryResult, ThroughputResult } from './scenarios';

export interface BackendResult {
  backend: BenchBackend;
  throughput: ThroughputResult[];
  recovery: RecoveryResult;
}

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; platform: string };
  versions: Record<string, string>;
  settings: BenchSettings;
  floor: FloorResult;
  throughput: ThroughputResult[];
  parked: ParkedResult | null;
  recovery: RecoveryResult[];
  realistic: RealisticResult | null;
  /** The harness with telemetry off and on, alternating in the same invocation (absent in older reports). */
  telemetry?: { off: ThroughputResult; on: ThroughputResult }[];
  /** The harness with the payload codec off and on, alternating in the same invocation (absent in older reports). */
  codec?: CodecResult[];
  /** The same load on the embedded dev server and on the production-shape cluster (absent in older reports). */
  backends?: BackendResult[];
  /** A ten-turn agent beside its Temporal floor, and a long session (absent in older reports). */
  agents?: AgentReport | null;
  /** The approvals page with many runs waiting (absent in older reports). */
  inbox?: InboxResult | null;
  elapsedS: number;
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const ratio = (value: number, base: number) => (base > 0 ? `×${(value / base).toFixed(0)}` : '–');
const pct = (fraction: number, signed = false) => `${signed && fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(0)} %`;
const floorOf = (r: BenchReport, h: ThroughputResult) =>
  r.throughput.find((t) => t.subject === 'temporal-floor' && t.mode === h.mode && t.concurrency === h.concurrency);

export function renderMarkdown(r: BenchReport): string {
  const w = r.settings.worker;
  const tuning = [
    `cached workflows ${w.maxCachedWorkflows ?? 100}`,
    `workflow heap ceiling ${w.workflowHeapMb ?? 160} MB`,
    `concurrent activities ${w.maxConcurrentActivities ?? 'SDK default'}`,
    `concurrent workflow tasks ${w.maxConcurrentWorkflowTasks ?? 'SDK default'}`,
    `sticky timeout ${w.stickyQueueTimeoutMs ?? 3000} ms`,
    ...(w.nodeOptions ? [`NODE_OPTIONS ${w.nodeOptions}`] : []),
  ].join(', ');
  const inProcessRate = (1000 / r.floor.meanRunMs).toFixed(0);
  const lines = [
    `### Benchmark ${r.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GiB, ${r.machine.platform}. ` +
      `Node ${r.versions.node}, Temporal SDK ${r.versions.temporalSdk}, ${r.versions.temporalCli}.`,
    `Settings: dev server on a fresh SQLite file (${[...r.settings.sqlitePragmas, ...(r.settings.dynamicConfig ?? [])].join(', ')}; eager activities ${r.settings.eagerActivities ? 'on' : 'off'}); one worker process (${tuning}); ` +
      `offline provider with ${r.settings.latencyMs} ms model latency; the parked and recovery approver lists the gate every ${r.settings.watchIntervalMs} ms. Took ${r.elapsedS} s.`,
    '',
    '',
    'Each mode is measured on the harness and, beside it in the same invocation, on the *Temporal floor*: a bare workflow',
    'of the same shape (five trivial steps, an update that waits for the gate, an approval, a sixth step) in the same',
    'execution mode. Every run is driven the same way: start, an `awaitGate` update, an approve update, the result.',
    'Harness and floor alternate in batches (single runs at concurrency 1, two waves otherwise), so server drift falls on both.',
    `The in-process floor (the same tool functions in a plain loop, no Temporal) does ${inProcessRate} runs/s sequentially.`,
    '',
    '| mode | concurrency (runs) | harness runs/s | Temporal floor runs/s | harness ÷ floor | start → completed p50 / p95: harness | Temporal floor | harness over floor (p50) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const h of r.throughput.filter((t) => t.subject === 'harness')) {
    const f = floorOf(r, h);
    lines.push(
      `| ${h.mode} | ${h.concurrency} (${h.runs}) | ${h.runsPerSecond.toFixed(2)} | ${f ? f.runsPerSecond.toFixed(2) : '–'} | ${f ? pct(h.runsPerSecond / f.runsPerSecond) : '–'} | ` +
        `${ms(h.startToCompletedMs.p50)} / ${ms(h.startToCompletedMs.p95)} | ${f ? `${ms(f.startToCompletedMs.p50)} / ${ms(f.startToCompletedMs.p95)}` : '–'} | ` +
        `${f ? pct(h.startToCompletedMs.p50 / f.startToCompletedMs.p50 - 1, true) : '–'} |`,
    );
  }
  lines.push(
    '',
    'Time per step at concurrency 1 (p50, on the workflow clock for both), against the Temporal floor in the same mode and the in-process floor:',
    '',
    '| mode | step | harness | Temporal floor | in-process | over Temporal floor | over in-process |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const h of r.throughput.filter((t) => t.subject === 'harness' && t.concurrency === 1)) {
    const f = floorOf(r, h);
    TOOL_NAMES.forEach((tool, i) => {
      const inProcess = r.floor.meanStepMs[tool];
      const floorStep = f?.stepP50Ms[i];
      lines.push(
        `| ${h.mode} | ${tool} | ${ms(h.stepP50Ms[i])} | ${floorStep === undefined ? '–' : ms(floorStep)} | ${ms(inProcess)} | ` +
          `${floorStep === undefined ? '–' : `${(h.stepP50Ms[i] - floorStep).toFixed(1)} ms`} | ${(h.stepP50Ms[i] - inProcess).toFixed(1)} ms |`,
      );
    });
  }
  lines.push('', '| figure | harness | baseline | ratio |', '| --- | --- | --- | --- |');
  if (r.parked) {
    const p = r.parked;
    lines.push(`| parked at the gate | ${p.runs} runs in ${p.timeToParkS.toFixed(1)} s | | |`);
    lines.push(
      `| worker peak RSS while parked | ${p.workerRssPeakWhileParkedMb.toFixed(0)} MB | ${p.workerRssIdleMb.toFixed(0)} MB idle | ${ratio(p.workerRssPeakWhileParkedMb, p.workerRssIdleMb).replace('×0', '×1')} |`,
    );
    lines.push(`| drain after approving all | ${p.drainS.toFixed(1)} s (${p.completed}/${p.runs} completed) | | |`);
  }
  const [baseline, ...others] = r.recovery;
  if (baseline) {
    lines.push(
      '',
      `Recovery, ${baseline.latencyMs} ms model latency per model step: ${baseline.loaded.runs} runs at concurrency 50, then ${baseline.runs} runs in flight, the worker SIGKILLed and a new one started; each profile beside Temporal's defaults:`,
      '',
      '| profile | workflow task / heartbeat / sticky timeouts | every run progressing again, after the new worker is up | after the kill | every run completed | concurrency 50 before the kill | workflow task timeouts there |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const k of [baseline, ...others]) {
      const p = k.profile;
      const timeouts = `${p.workflowTaskTimeoutMs ?? 10_000} ms / ${p.heartbeatTimeoutMs ? `${p.heartbeatTimeoutMs} ms` : 'per tool (5–10 s)'} / ${p.stickyQueueTimeoutMs ?? r.settings.worker.stickyQueueTimeoutMs ?? 3000} ms`;
      lines.push(
        `| ${p.name} | ${timeouts} | ${(k.allProgressingS - k.newWorkerReadyS).toFixed(1)} s | ${k.allProgressingS.toFixed(1)} s (${k.inFlightAtKill} of ${k.runs} in flight; new worker up in ${k.newWorkerReadyS.toFixed(1)} s) | ` +
          `${k.allCompletedS.toFixed(1)} s (${k.completed}/${k.runs}) | ${k.loaded.runsPerSecond.toFixed(2)} runs/s, p50 ${ms(k.loaded.startToCompletedMs.p50)} | ${k.loaded.workflowTaskTimeouts} |`,
      );
    }
  }
  if (r.realistic) {
    const x = r.realistic;
    lines.push(
      '',
      `Realistic load: ${x.latencyMs} ms per model call, ${x.concurrency} runs in flight, ${x.runs} runs, one worker with ${x.maxConcurrentActivities} activity slots:`,
      '',
      '| runs/s | allowed by the settings | share | start → completed p50 / p95 | worker CPU | worker peak RSS |',
      '| --- | --- | --- | --- | --- | --- |',
      `| ${x.runsPerSecond.toFixed(1)} | ${x.allowedRunsPerSecond.toFixed(1)} (${x.maxConcurrentActivities} slots ÷ 3 model calls × ${x.latencyMs} ms) | ${pct(x.runsPerSecond / x.allowedRunsPerSecond)} | ` +
        `${ms(x.startToCompletedMs.p50)} / ${ms(x.startToCompletedMs.p95)} | ${x.workerCpuPercent.toFixed(0)} % of one core | ${x.workerRssPeakMb.toFixed(0)} MB |`,
    );
  }
  if (r.telemetry?.length) {
    lines.push(
      '',
      'Telemetry cost: the same worker with OpenTelemetry tracing (OTLP to a real Jaeger) and Prometheus metrics (scraped every second) on, beside one with both off, alternating batches (default mode):',
      '',
      '| concurrency (runs each) | runs/s off | runs/s on | on ÷ off | start → completed p50 / p95 off | on | p50 cost |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const { off, on } of r.telemetry) {
      lines.push(
        `| ${off.concurrency} (${off.runs}) | ${off.runsPerSecond.toFixed(2)} | ${on.runsPerSecond.toFixed(2)} | ${pct(on.runsPerSecond / off.runsPerSecond)} | ` +
          `${ms(off.startToCompletedMs.p50)} / ${ms(off.startToCompletedMs.p95)} | ${ms(on.startToCompletedMs.p50)} / ${ms(on.startToCompletedMs.p95)} | ` +
          `${pct(on.startToCompletedMs.p50 / off.startToCompletedMs.p50 - 1, true)} |`,
      );
    }
  }
  if (r.codec?.length) {
    lines.push(
      '',
      'Payload codec cost: client and worker encrypting every payload (AES-256-GCM) beside the same pair without it, alternating batches (default mode):',
      '',
      '| concurrency (runs each) | runs/s off | runs/s on | on ÷ off | start → completed p50 / p95 off | on | p50 cost | history bytes per run off → on |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const { off, on, historyBytes } of r.codec) {
      lines.push(
        `| ${off.concurrency} (${off.runs}) | ${off.runsPerSecond.toFixed(2)} | ${on.runsPerSecond.toFixed(2)} | ${pct(on.runsPerSecond / off.runsPerSecond)} | ` +
          `${ms(off.startToCompletedMs.p50)} / ${ms(off.startToCompletedMs.p95)} | ${ms(on.startToCompletedMs.p50)} / ${ms(on.startToCompletedMs.p95)} | ` +
          `${pct(on.startToCompletedMs.p50 / off.startToCompletedMs.p50 - 1, true)} | ${historyBytes.off} → ${historyBytes.on} (${pct(historyBytes.on / historyBytes.off - 1, true)}) |`,
      );
    }
  }
  if (r.backends?.length) {
    lines.push(
      '',
      'Dev server (one process, SQLite) beside the cluster (PostgreSQL, four service processes, mTLS), default mode, the same worker:',
      '',
      '| server | concurrency (runs) | runs/s | start → gate p50 / p95 | approve → completed p50 / p95 | start → completed p50 / p95 |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const { backend, throughput } of r.backends) {
      for (const t of throughput) {
        lines.push(
          `| ${backend} | ${t.concurrency} (${t.runs}) | ${t.runsPerSecond.toFixed(2)} | ${ms(t.startToGateMs.p50)} / ${ms(t.startToGateMs.p95)} | ` +
            `${ms(t.approveToCompletedMs.p50)} / ${ms(t.approveToCompletedMs.p95)} | ${ms(t.startToCompletedMs.p50)} / ${ms(t.startToCompletedMs.p95)} |`,
        );
      }
    }
    lines.push(
      '',
      '| server | recovery after a worker SIGKILL (fast detection) | every run moving again | every run completed |',
      '| --- | --- | --- | --- |',
    );
    for (const { backend, recovery: k } of r.backends) {
      lines.push(
        `| ${backend} | ${k.inFlightAtKill} of ${k.runs} in flight, ${k.latencyMs} ms per model call | ${k.allProgressingS.toFixed(1)} s | ${k.allCompletedS.toFixed(1)} s (${k.completed}/${k.runs}) |`,
      );
    }
  }
  if (r.agents) lines.push(...agentLines(r.agents));
  if (r.inbox) lines.push(...inboxLines(r.inbox));
  return lines.join('\n') + '\n';
}

/** The agent table: the harness's ten-turn agent beside the bare Temporal loop of its shape, and the long session. */
function agentLines(a: AgentReport): string[] {
  const lines = [
    '',
    `A ${a.turns}-turn agent (scripted model, a trivial read-only tool; nine turns call it, the tenth answers) on the harness, beside`,
    'the *agent floor*: a bare Temporal workflow of the same shape (per turn a model activity sent the conversation, then the',
    `tool activity), alternating batches. The same loop in process, no Temporal: ${a.inProcess.perTurnUs.toFixed(1)} µs per turn.`,
    '',
    '| concurrency (runs per side) | harness runs/s | floor runs/s | harness / floor | harness p50 per turn | floor p50 per turn | harness / floor | worker CPU per run, harness / floor |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const h of a.throughput.filter((t) => t.subject === 'harness-agent')) {
    const f = a.throughput.find((t) => t.subject === 'temporal-floor-agent' && t.concurrency === h.concurrency);
    if (!f) continue;
    lines.push(
      `| ${h.concurrency} (${h.runs}) | ${h.runsPerSecond.toFixed(2)} | ${f.runsPerSecond.toFixed(2)} | ${pct(h.runsPerSecond / f.runsPerSecond)} | ` +
        `${ms(h.turnP50Ms)} | ${ms(f.turnP50Ms)} | ${pct(h.turnP50Ms / f.turnP50Ms - 1, true)} | ${ms(h.workerCpuMsPerRun)} / ${ms(f.workerCpuMsPerRun)} |`,
    );
  }
  if (a.peers?.length) lines.push(...peerLines(a));
  if (a.session) {
    const { turns, runs, turnP50Ms, rssMb, sampleEvery } = a.session;
    lines.push(
      '',
      `A ${turns}-turn session (one message, one answer, each answered before the next): ${runs} runs in its chain (continued as new`,
      `past 2,000 history events), p50 ${ms(turnP50Ms)} per turn; the agent worker's RSS every ${sampleEvery} turns: ` +
        `${rssMb.map((mb) => mb.toFixed(0)).join(' → ')} MB.`,
    );
  }
  return lines;
}

const SUBJECT_NAMES: Record<string, string> = {
  'harness-agent': 'durable-harness (policy, gates, trace on every call)',
  'temporal-floor-agent': 'agent floor (bare Temporal loop)',
  'openai-agents': '`@temporalio/openai-agents` (OpenAI Agents SDK)',
  'ai-sdk': '`@temporalio/ai-sdk` (Vercel AI SDK)',
};

const historyCell = (h: AgentReport['throughput'][number]['history']) =>
  h ? `${h.events}, ${h.workflowTasks}, ${h.bytes.toLocaleString('en')}` : '–';

/** Every subject of one level side by side: the harness, the floor and Temporal's own AI integrations. */
function peerLines(a: AgentReport): string[] {
  const lines = [
    '',
    "The same agent on Temporal's own AI integrations, each on its own worker process (its SDK pins Temporal 1.23.0, so they",
    'live in bench/peers with their own install), with the same scripted model behind its model activity and the tool as an',
    'activity, in the same alternating batches on the same dev server:',
    '',
    "| concurrency (runs per side) | subject | runs/s | ÷ floor | p50 per turn | p95 run | CPU per run: worker + server | one run's history: events, workflow tasks, bytes |",
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const floor of a.throughput.filter((t) => t.subject === 'temporal-floor-agent')) {
    for (const t of a.throughput.filter((t) => t.concurrency === floor.concurrency))
      lines.push(
        `| ${t.concurrency} (${t.runs}) | ${SUBJECT_NAMES[t.subject]} | ${t.runsPerSecond.toFixed(2)} | ${pct(t.runsPerSecond / floor.runsPerSecond)} | ` +
          `${ms(t.turnP50Ms)} | ${ms(t.runMs.p95)} | ${ms(t.workerCpuMsPerRun)} + ${t.serverCpuMsPerRun === undefined ? '–' : ms(t.serverCpuMsPerRun)} | ${historyCell(t.history)} |`,
      );
  }
  return lines;
}
