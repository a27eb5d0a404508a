/** The research run's input, state, trace and approval payloads: the run's public contract. */
import { z } from 'zod';
import { PersonName } from './identity';
import { RunExecution, ToolExecution } from './execution';
import { MAX_POLICY_BYTES, Policy } from './policy';
import { MAX_SOURCES, SourceDocument } from './tools';
import { Signature } from './signed-decision';

/** Sources travel in workflow input, so they are bounded well under Temporal's 2 MB payload limit. */
export const MAX_SOURCES_BYTES = 1_000_000;
/** Edited arguments at a gate, as JSON (an edited report is bounded by finalize_report's contract). */
export const MAX_EDIT_CHARS = 100_000;
/** The whole input: sources, policy and options together. */
export const MAX_RUN_INPUT_CHARS = 1_200_000;

export const RunOptions = z
  .object({
    /** Lines of the draft shown in the approval preview. */
    previewLines: z.number().int().min(1).max(100).default(12),
    /** Overrides the heartbeat timeout of every tool that heartbeats: how fast a dead worker is noticed. */
    heartbeatTimeoutMs: z.number().int().min(500).max(600_000).optional(),
    /** Where finalize_report writes, relative to the worker's output root (default: <write root>/<run id>/final_report.md). */
    outputPath: z
      .string()
      .min(1)
      .max(300)
      .regex(/\.md$/, 'must name a .md file')
      .refine((p) => !/[\u0000-\u001f\u007f\\]/.test(p), 'no control characters or backslashes')
      .optional(),
    /** Total tokens the model steps may use; past it the run pauses for an operator. */
    tokenBudget: z.number().int().positive().optional(),
    /** Local or remote activities: `local`, `remote`, or per tool; overrides the policy and the registry. */
    execution: RunExecution.optional(),
    /** Roles as child workflows (planner, executor, reviewer) instead of the single loop. */
    multiAgent: z.boolean().optional(),
  })
  .strict();

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

export const RunInput = z
  .object({
    topic: z.string().trim().min(3).max(200),
    sources: z.array(SourceDocument).min(1).max(MAX_SOURCES),
    options: RunOptions.optional(),
    /** The policy snapshot the run lives under; absent in runs started before policies (or by foreign clients). */
    policy: Policy.optional(),
    policyDigest: Sha256.optional(),
    /** Who started the run, as the client asserted it: self-approval rules compare against it. */
    startedBy: PersonName.optional(),
  })
  .superRefine((input, ctx) => {
    // Measured as JSON text (deterministic in the sandbox; mostly ASCII, so close to bytes).
    const policyChars = input.policy ? JSON.stringify(input.policy).length : 0;
    if (policyChars > MAX_POLICY_BYTES)
      ctx.addIssue({ code: 'custom', path: ['policy'], message: `${policyChars} characters: at most ${MAX_POLICY_BYTES}` });
    const total = JSON.stringify(input).length;
    if (total > MAX_RUN_INPUT_CHARS)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `the run input is ${total} characters: at most ${MAX_RUN_INPUT_CHARS} (Temporal refuses payloads over 2 MB)`,
      });
  });
export type RunInput = z.input<typeof RunInput>;

/**
 * Who acts (asserted by the client, in canonical form: see identity.ts) and a free-text note: the
 * parts every decision payload shares. A decision names who takes it; an anonymous one is refused.
 */
const Actor = PersonName;
const Note = z.string().max(2_000).optional();

export const ApprovePayload = z
  .object({
    approver: Actor,
    comment: Note,
    digest: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be the pending action's sha256 digest")
      .optional(),
    /**
     * Edit-on-approve (update only). At the finalize_report gate: the report to write instead of
     * the draft, reviewed again. At any other gate: the tool's arguments to run instead, checked
     * against its input contract. Either way the edit gets a new digest and the count starts over.
     */
    edit: z
      .union([
        z.string().min(1).max(MAX_EDIT_CHARS),
        z
          .record(z.string(), z.unknown())
          .refine(
            (args) => JSON.stringify(args).length <= MAX_EDIT_CHARS,
            `edited arguments: at most ${MAX_EDIT_CHARS} characters as JSON`,
          ),
      ])
      .optional(),
    /** An Ed25519 signature over this decision (harness approve --key): verified against the policy's publicKeys. */
    signature: Signature.optional(),
  })
  .strict();
export type ApprovePayload = z.infer<typeof ApprovePayload>;

export const OperatorPayload = z.object({ operator: Actor, reason: Note }).strict();
export type OperatorPayload = z.infer<typeof OperatorPayload>;

export const RejectPayload = z.object({ approver: Actor, reason: Note, signature: Signature.optional() }).strict();
export type RejectPayload = z.infer<typeof RejectPayload>;

/**
 * What a run reports. `terminated` and `timed_out` are never set by the workflow: the server closed
 * the execution under it (an operator's terminate, a history limit, a run timeout), and clients
 * reconcile what the run last said with what the server knows.
 */
export const RUN_STATUSES = [
  'running',
  'waiting_approval',
  'paused_on_error',
  'completed',
  'rejected',
  'failed',
  'cancelled',
  'terminated',
  'timed_out',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'rejected', 'failed', 'cancelled', 'terminated', 'timed_out'];
/** Statuses of a run whose execution is still open. */
export const OPEN_STATUSES: readonly RunStatus[] = ['running', 'waiting_approval', 'paused_on_error'];

export const TRACE_EVENT_TYPES = [
  'run_created',
  'plan_recorded',
  'tool_start',
  'tool_ok',
  'tool_error',
  'draft_reviewed',
  'policy_checked',
  'approval_required',
  'approval_refused',
  'approval_recorded',
  'approval_granted',
  'approval_rejected',
  'approval_escalated',
  'approval_expired',
  'draft_edited',
  'arguments_edited',
  'policy_applied',
  'policy_denied',
  'run_paused',
  'tokens_used',
  'run_resumed',
  'run_aborted',
  'operator_refused',
  'run_completed',
  'run_failed',
  'run_cancelled',
  'role_activity',
  'role_handoff',
  'model_turn',
  'tool_call_refused',
  'message_received',
  'continued_as_new',
  'mcp_tools_listed',
  'run_imported',
] as const;
export type TraceEventType = (typeof TRACE_EVENT_TYPES)[number];

export interface TraceEvent {
  seq: number;
  /** Workflow time (ISO 8601): deterministic, replays identically. */
  at: string;
  type: TraceEventType;
  tool?: string;
  attempt?: number;
  message?: string;
  data?: Record<string, unknown>;
}

export interface StepResult {
  tool: string;
  status: 'running' | 'ok' | 'error';
  attempts: number;
  /** Absent in runs from before local tools: remote. */
  execution?: ToolExecution;
  /** The role (child workflow) that ran the step, in a multi-role run. */
  role?: RoleName;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  error?: string;
}

export interface DraftPreview {
  firstLines: string[];
  lineCount: number;
  charCount: number;
}

export interface PendingAction {
  tool: string;
  /** 1 for the run's first gate, 2 for the second… */
  gate?: number;
  reason: string;
  /** finalize_report: where the report goes, relative to the worker's output root (HARNESS_OUTPUT_DIR). */
  proposedPath?: string;
  /** finalize_report: the draft's first lines; any other tool: its validated arguments as JSON, first lines. */
  preview: DraftPreview;
  /** finalize_report: what the reviewer said of the draft. */
  review?: { passed: boolean; findings: string[] };
  /** finalize_report: sha256 of the report's bytes; any other tool: sha256 of {tool, arguments, policyDigest}. */
  digest: string;
  requestedAt: string;
  /** Approvals so far, for this digest (an edit starts the count again). */
  approvals: Approval[];
  minApprovals: number;
  stillNeeded: number;
  /** Who may approve now; null means anyone. */
  eligibleApprovers: string[] | null;
  allowSelfApproval: boolean;
  /** Workflow time after which the gate expires; null when the policy sets no timeout. */
  expiresAt: string | null;
  escalated: boolean;
  /** Set when the policy counts only signed decisions at this gate (harness approve --key). */
  signatureRequired?: true;
}

/** One gate of the run, open or decided: a run with three gates shows three of these. */
export interface GateRecord {
  gate: number;
  tool: string;
  /** The digest approved (or last pending): edits change it. */
  digest: string;
  openedAt: string;
  outcome: 'pending' | 'approved' | 'rejected';
  decidedAt?: string;
  /** Who rejected, or the last approver; `policy` when the gate expired. */
  decidedBy?: string;
  reason?: string;
  approvals: Approval[];
}

export interface Approval {
  approver: string;
  comment?: string;
  at: string;
  /** Set when this approver approved an edited report. */
  edited?: boolean;
  /** Set when the decision was signed: the fingerprint of the policy key that verified it. */
  signedWith?: string;
}

export interface Decision {
  outcome: 'approved' | 'rejected';
  approver: string;
  comment?: string;
  reason?: string;
  at: string;
  approvals?: Approval[];
  /** A signed rejection: the fingerprint of the key that verified it. */
  signedWith?: string;
}

export interface PausedOn {
  tool: string;
  error: string;
  attempts: number;
  at: string;
}

export interface RunState {
  runId: string;
  topic: string;
  status: RunStatus;
  currentStep: string | 'approval' | null;
  plan: string[];
  provider: string | null;
  pendingAction: PendingAction | null;
  /** The latest gate's decision (see gates for every one). */
  decision: Decision | null;
  /** Every approval gate the run opened, in order (absent in runs from before generic gates). */
  gates?: GateRecord[];
  artifacts: {
    draft?: { sha256: string; lines: number; chars: number };
    report?: { path: string; bytes: number; sha256: string };
  };
  steps: StepResult[];
  findings: string[];
  /**
   * The workflow's own part of the state, typed by its declaration (defineWorkflow's `record`).
   * The research run keeps its plan, findings and draft in the fields above, as every client and
   * export has always read them.
   */
  data?: Record<string, unknown>;
  error: string | null;
  /** Set while the run waits for an operator after a tool failed for good. */
  pausedOn: PausedOn | null;
  policy: { name: string; digest: string | null };
  startedBy: string | null;
  usage: RunUsage;
  /** Multi-role runs only: the role at work and every handoff between roles. */
  roles?: RoleRecord;
  trace: TraceEvent[];
  /**
   * Filled by clients, never by the workflow: tools Temporal is running or retrying right now, from
   * the pending-activity info the server keeps (attempt, last failure, next retry, paused).
   */
  activeTools?: ActiveTool[];
}

export interface ActiveTool {
  tool: string;
  attempt: number;
  maximumAttempts: number;
  lastFailure: string | null;
  /** When the next attempt starts (ISO 8601); null while an attempt runs. */
  nextAttemptAt: string | null;
  /** Paused by an operator (`temporal activity pause`). */
  paused: boolean;
}

export const ROLE_NAMES = ['planner', 'executor', 'reviewer'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** One handoff: work passed from a role (or the run itself) to a role (or to the approval gate). */
export interface Handoff {
  seq: number;
  from: RoleName | 'run';
  to: RoleName | 'approval';
  purpose: string;
  /** What was passed, in a line (bounded). */
  summary: string;
  /** The receiving role's child workflow; null when the work goes back to the run (its gate). */
  childId: string | null;
  startedAt: string;
  endedAt?: string;
}

export interface RoleRecord {
  current: RoleName | null;
  handoffs: Handoff[];
}

/** Token accounting of the model steps, summed per run; steps whose endpoint reported nothing are counted apart. */
export interface RunUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  reportedSteps: number;
  unreportedSteps: number;
  budget: number | null;
}

/** What `result` returns when a run ends: the state without the trace, which stays queryable. */
export type RunResult = Omit<RunState, 'trace'>;

/** Preview lines are bounded in width too: a pathological line must not fill a terminal or a query. */
const MAX_PREVIEW_LINE_CHARS = 400;

export function previewOf(text: string, lines: number): DraftPreview {
  const all = text.split('\n');
  const clip = (line: string) => (line.length > MAX_PREVIEW_LINE_CHARS ? `${line.slice(0, MAX_PREVIEW_LINE_CHARS)}…` : line);
  return { firstLines: all.slice(0, lines).map(clip), lineCount: all.length, charCount: text.length };
}
