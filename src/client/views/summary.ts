/** `harness summary`: where a run stands and what to run next, from its snapshot alone. */
import type { RunSnapshot } from '../../shared/run-snapshot';
import type { RunStatus, TraceEvent } from '../../shared/run';

export interface RunSummary {
  runId: string;
  /** researchRun, toolCall or a workflow of yours, as the run's first trace event names it. */
  workflowType: string;
  topic: string;
  status: RunStatus;
  currentStep: string | null;
  startedBy: string | null;
  startedAt: string | null;
  lastEventAt: string | null;
  approval: {
    required: boolean;
    tool: string | null;
    digest: string | null;
    stillNeeded: number;
    /** Who may approve; null means anyone the policy allows (see `harness policy`). */
    eligibleApprovers: string[] | null;
    expiresAt: string | null;
  };
  steps: number;
  totalAttempts: number;
  attemptsByTool: Record<string, number>;
  /** pauses: gates opened and error pauses; approvals: each approver's; gatesApproved: gates that passed. */
  events: { pauses: number; resumes: number; approvals: number; gatesApproved: number; refusals: number; rejections: number };
  report: { path: string; bytes: number; sha256: string } | null;
  /** A declared workflow's own part of its state (`harness.record`); null when it recorded none. */
  data: Record<string, unknown> | null;
  lastError: string | null;
  /** Multi-role runs: the role at work, the handoffs so far and the roles that ran; null for a single-loop run. */
  roles: { current: string | null; handoffs: number; seen: string[] } | null;
  nextCommands: string[];
}

/** How often each key occurs, in first-seen order. */
export function tally(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

export const countEvents = (trace: TraceEvent[]): Record<string, number> => tally(trace.map((e) => e.type));

export function runSummary({ state }: RunSnapshot): RunSummary {
  const counts = countEvents(state.trace);
  const n = (...types: string[]) => types.reduce((sum, t) => sum + (counts[t] ?? 0), 0);
  const attemptsByTool: Record<string, number> = {};
  for (const step of state.steps) attemptsByTool[step.tool] = (attemptsByTool[step.tool] ?? 0) + step.attempts;
  const pending = state.pendingAction;
  const created = state.trace.find((e) => e.type === 'run_created');
  const workflowType = typeof created?.data?.workflowType === 'string' ? created.data.workflowType : 'researchRun';
  return {
    runId: state.runId,
    workflowType,
    topic: state.topic,
    status: state.status,
    currentStep: state.currentStep,
    startedBy: state.startedBy,
    startedAt: state.trace[0]?.at ?? null,
    lastEventAt: state.trace.at(-1)?.at ?? null,
    approval: {
      required: pending !== null,
      tool: pending?.tool ?? null,
      digest: pending?.digest ?? null,
      stillNeeded: pending?.stillNeeded ?? 0,
      eligibleApprovers: pending?.eligibleApprovers ?? null,
      expiresAt: pending?.expiresAt ?? null,
    },
    steps: state.steps.length,
    totalAttempts: state.steps.reduce((sum, s) => sum + s.attempts, 0),
    attemptsByTool,
    events: {
      pauses: n('approval_required', 'run_paused'),
      resumes: n('run_resumed'),
      approvals: n('approval_recorded'),
      gatesApproved: n('approval_granted'),
      refusals: n('approval_refused', 'operator_refused'),
      rejections: n('approval_rejected', 'approval_expired'),
    },
    report: state.artifacts.report ?? null,
    data: state.data ?? null,
    lastError: state.error ?? state.pausedOn?.error ?? [...state.steps].reverse().find((s) => s.error)?.error ?? null,
    roles: state.roles
      ? {
          current: state.roles.current,
          handoffs: state.roles.handoffs.length,
          seen: [...new Set(state.roles.handoffs.flatMap((h) => (h.to === 'approval' ? [] : [h.to])))],
        }
      : null,
    nextCommands: nextCommands(state.runId, state.status, pending?.digest, workflowType === 'researchRun'),
  };
}

/** The exact commands that move the run on (or read what it left), as a seed user expects them. */
function nextCommands(id: string, status: RunStatus, digest: string | undefined, research: boolean): string[] {
  switch (status) {
    case 'waiting_approval':
      return [
        // The draft is a research run's; any other gate shows its call's arguments in `pending`.
        research ? `harness draft ${id}` : `harness pending ${id}`,
        `harness approve ${id} --digest ${digest?.slice(0, 12)}`,
        `harness reject ${id} --reason "…"`,
        `harness result ${id}`,
      ];
    case 'paused_on_error':
      return [`harness resume ${id}`, `harness abort ${id} --reason "…"`, `harness result ${id}`];
    case 'running':
      return [`harness watch ${id}`, `harness result ${id}`];
    default:
      return [`harness trace-summary ${id}`, `harness export ${id}`];
  }
}
