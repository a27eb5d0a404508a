/** The benchmark report as JSON and as the Markdown table the README shows. */
import { TOOL_NAMES } from '../src/shared/tools';
import type { BenchSettings } from './bench-env';
import type { FloorResult, ParkedResult, RecoveryResult, ThroughputResult } from './scenarios';

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; platform: string };
  versions: Record<string, string>;
  settings: BenchSettings;
  floor: FloorResult;
  throughput: ThroughputResult[];
  parked: ParkedResult | null;
  recovery: RecoveryResult | null;
  elapsedS: number;
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const ratio = (value: number, base: number) => (base > 0 ? `×${(value / base).toFixed(0)}` : '–');

export function renderMarkdown(r: BenchReport): string {
  const w = r.settings.worker;
  const tuning = [
    `cached workflows ${w.maxCachedWorkflows ?? 200}`,
    `concurrent activities ${w.maxConcurrentActivities ?? 'SDK default'}`,
    `concurrent workflow tasks ${w.maxConcurrentWorkflowTasks ?? 'SDK default'}`,
    `sticky timeout ${w.stickyQueueTimeoutMs ?? 3000} ms`,
  ].join(', ');
  const lines = [
    `### Benchmark ${r.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GiB, ${r.machine.platform}. ` +
      `Node ${r.versions.node}, Temporal SDK ${r.versions.temporalSdk}, ${r.versions.temporalCli}.`,
    `Settings: dev server on a fresh SQLite file (${r.settings.sqlitePragmas.join(', ')}; eager activities ${r.settings.eagerActivities ? 'on' : 'off'}); one worker process (${tuning}); ` +
      `offline provider with ${r.settings.latencyMs} ms model latency; approver lists the gate every ${r.settings.watchIntervalMs} ms. Took ${r.elapsedS} s.`,
    '',
    '| figure | harness | baseline (in-process floor) | ratio |',
    '| --- | --- | --- | --- |',
  ];
  for (const t of r.throughput) {
    lines.push(
      `| throughput, concurrency ${t.concurrency} (${t.runs} runs) | ${t.runsPerSecond.toFixed(2)} runs/s | ${(1000 / r.floor.meanRunMs).toFixed(0)} runs/s | – |`,
    );
    lines.push(
      `| start → waiting_approval p50 / p95 / p99 (c=${t.concurrency}) | ${ms(t.startToGateMs.p50)} / ${ms(t.startToGateMs.p95)} / ${ms(t.startToGateMs.p99)} | | |`,
    );
    lines.push(
      `| approve → completed p50 / p95 / p99 (c=${t.concurrency}) | ${ms(t.approveToCompletedMs.p50)} / ${ms(t.approveToCompletedMs.p95)} / ${ms(t.approveToCompletedMs.p99)} | | |`,
    );
  }
  const single = r.throughput.find((t) => t.concurrency === 1) ?? r.throughput[0];
  if (single) {
    lines.push(
      `| time per run (c=${single.concurrency}, gate wait excluded) | ${ms(single.meanRunMs)} | ${ms(r.floor.meanRunMs)} | ${ratio(single.meanRunMs, r.floor.meanRunMs)} |`,
    );
    for (const tool of TOOL_NAMES) {
      lines.push(
        `| time per step: ${tool} | ${ms(single.meanStepMs[tool])} | ${ms(r.floor.meanStepMs[tool])} | ${ratio(single.meanStepMs[tool], r.floor.meanStepMs[tool])} |`,
      );
    }
  }
  if (r.parked) {
    const p = r.parked;
    lines.push(`| parked at the gate | ${p.runs} runs in ${p.timeToParkS.toFixed(1)} s | | |`);
    lines.push(
      `| worker peak RSS while parked | ${p.workerRssPeakWhileParkedMb.toFixed(0)} MB | ${p.workerRssIdleMb.toFixed(0)} MB idle | ${ratio(p.workerRssPeakWhileParkedMb, p.workerRssIdleMb).replace('×0', '×1')} |`,
    );
    lines.push(`| drain after approving all | ${p.drainS.toFixed(1)} s (${p.completed}/${p.runs} completed) | | |`);
  }
  if (r.recovery) {
    const k = r.recovery;
    lines.push(
      `| recovery: new worker ready after SIGKILL | ${k.newWorkerReadyS.toFixed(1)} s (${k.inFlightAtKill} of ${k.runs} runs in flight) | | |`,
    );
    lines.push(`| recovery: every run progressing again | ${k.allProgressingS.toFixed(1)} s after the kill | | |`);
    lines.push(`| recovery: every run completed | ${k.allCompletedS.toFixed(1)} s after the kill (${k.completed}/${k.runs}) | | |`);
  }
  return lines.join('\n') + '\n';
}
