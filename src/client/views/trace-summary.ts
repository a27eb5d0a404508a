/** `harness trace-summary`: the trace rolled up per event type and per tool, from the snapshot alone. */
import type { RunSnapshot } from '../../shared/run-snapshot';
import type { RunStatus, TraceEvent } from '../../shared/run';
import { countEvents, tally } from './summary';

export interface ToolRollup {
  calls: number;
  attempts: number;
  totalMs: number;
  averageMs: number;
  /** Tokens as the endpoint reported them; steps that reported none are counted apart, never estimated. */
  tokens: { prompt: number; completion: number; total: number; reportedSteps: number; notReportedSteps: number };
}

export interface TraceSummary {
  runId: string;
  status: RunStatus;
  events: number;
  byEvent: Record<string, number>;
  tools: Record<string, ToolRollup>;
  /** From the first trace event to the last, in workflow time. */
  wallClockMs: number;
  latestEvent: Pick<TraceEvent, 'seq' | 'at' | 'type' | 'tool' | 'message'> | null;
  gate: { status: 'none' | 'pending' | 'approved' | 'rejected'; gates: number; pendingTool: string | null };
  review: { passed: boolean; findings: string[] } | null;
  report: { written: boolean; path: string | null; sha256: string | null; onThisMachine: boolean | null };
  /** Multi-role runs: handoffs by pair (from->to) and role activity by role; null for a single-loop run. */
  roles: { current: string | null; handoffPairs: Record<string, number>; activityByRole: Record<string, number> } | null;
}

/**
 * `onThisMachine`: whether the report the history names was found here and checked
 * (report-file.ts); the view itself reads no file.
 */
export function traceSummary({ state }: RunSnapshot, onThisMachine: boolean | null = null): TraceSummary {
  const tools: Record<string, ToolRollup> = {};
  const rollup = (tool: string) =>
    (tools[tool] ??= {
      calls: 0,
      attempts: 0,
      totalMs: 0,
      averageMs: 0,
      tokens: { prompt: 0, completion: 0, total: 0, reportedSteps: 0, notReportedSteps: 0 },
    });
  for (const step of state.steps) {
    const r = rollup(step.tool);
    r.calls++;
    r.attempts += step.attempts;
    r.totalMs += step.durationMs ?? 0;
  }
  for (const r of Object.values(tools)) r.averageMs = r.calls ? Math.round(r.totalMs / r.calls) : 0;
  for (const e of state.trace.filter((t) => t.type === 'tokens_used' && t.tool)) {
    const tokens = rollup(e.tool!).tokens;
    const usage = e.data as { promptTokens?: number; completionTokens?: number; totalTokens?: number } | undefined;
    if (usage?.totalTokens === undefined) tokens.notReportedSteps++;
    else {
      tokens.reportedSteps++;
      tokens.prompt += usage.promptTokens ?? 0;
      tokens.completion += usage.completionTokens ?? 0;
      tokens.total += usage.totalTokens;
    }
  }
  const first = state.trace[0];
  const last = state.trace.at(-1);
  const lastGate = state.gates?.at(-1);
  const reviewed = [...state.trace].reverse().find((e) => e.type === 'draft_reviewed')?.data as
    { passed: boolean; findings: string[] } | undefined;
  const report = state.artifacts.report;
  const roles = state.roles
    ? {
        current: state.roles.current,
        handoffPairs: tally(state.roles.handoffs.map((h) => `${h.from}->${h.to}`)),
        activityByRole: tally(
          state.trace.filter((e) => e.type === 'role_activity').map((e) => String((e.data as { role?: string })?.role)),
        ),
      }
    : null;
  return {
    runId: state.runId,
    status: state.status,
    events: state.trace.length,
    byEvent: countEvents(state.trace),
    tools,
    wallClockMs: first && last ? Date.parse(last.at) - Date.parse(first.at) : 0,
    latestEvent: last ? { seq: last.seq, at: last.at, type: last.type, tool: last.tool, message: last.message } : null,
    gate: {
      status: lastGate?.outcome ?? (state.pendingAction ? 'pending' : 'none'),
      gates: state.gates?.length ?? 0,
      pendingTool: state.pendingAction?.tool ?? null,
    },
    review: reviewed ? { passed: reviewed.passed, findings: reviewed.findings } : null,
    report: {
      written: Boolean(report),
      path: report?.path ?? null,
      sha256: report?.sha256 ?? null,
      // The path is the worker's; on the embedded default that is this machine.
      onThisMachine: report ? onThisMachine : null,
    },
    roles,
  };
}
