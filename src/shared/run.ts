/** The research run's input, state, trace and approval payloads: the run's public contract. */
import { z } from 'zod';
import { MAX_SOURCES, SourceDocument, ToolName } from './tools';

/** Sources travel in workflow input, so they are bounded well under Temporal's 2 MB payload limit. */
export const MAX_SOURCES_BYTES = 1_000_000;

export const RunOptions = z
  .object({
    /** Lines of the draft shown in the approval preview. */
    previewLines: z.number().int().min(1).max(100).default(12),
    /** Overrides the heartbeat timeout of every tool that heartbeats: how fast a dead worker is noticed. */
    heartbeatTimeoutMs: z.number().int().min(500).max(600_000).optional(),
  })
  .strict();

export const RunInput = z.object({
  topic: z.string().trim().min(3).max(200),
  sources: z.array(SourceDocument).min(1).max(MAX_SOURCES),
  options: RunOptions.optional(),
});
export type RunInput = z.input<typeof RunInput>;

export const ApprovePayload = z
  .object({
    approver: z.string().trim().min(1).max(100).optional(),
    comment: z.string().max(2_000).optional(),
    digest: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be the pending draft sha256')
      .optional(),
  })
  .strict();
export type ApprovePayload = z.infer<typeof ApprovePayload>;

export const RejectPayload = z
  .object({
    approver: z.string().trim().min(1).max(100).optional(),
    reason: z.string().max(2_000).optional(),
  })
  .strict();
export type RejectPayload = z.infer<typeof RejectPayload>;

export const RUN_STATUSES = ['running', 'waiting_approval', 'completed', 'rejected', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'rejected', 'failed'];

export const TRACE_EVENT_TYPES = [
  'run_created',
  'plan_recorded',
  'tool_start',
  'tool_ok',
  'tool_error',
  'draft_reviewed',
  'approval_required',
  'approval_refused',
  'approval_granted',
  'approval_rejected',
  'run_completed',
  'run_failed',
] as const;
export type TraceEventType = (typeof TRACE_EVENT_TYPES)[number];

export interface TraceEvent {
  seq: number;
  /** Workflow time (ISO 8601): deterministic, replays identically. */
  at: string;
  type: TraceEventType;
  tool?: ToolName;
  attempt?: number;
  message?: string;
  data?: Record<string, unknown>;
}

export interface StepResult {
  tool: ToolName;
  status: 'running' | 'ok' | 'error';
  attempts: number;
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
  tool: 'finalize_report';
  reason: string;
  /** Relative to the worker's output root (HARNESS_OUTPUT_DIR). */
  proposedPath: string;
  preview: DraftPreview;
  review: { passed: boolean; findings: string[] };
  digest: string;
  requestedAt: string;
}

export interface Decision {
  outcome: 'approved' | 'rejected';
  approver: string;
  comment?: string;
  reason?: string;
  at: string;
}

export interface RunState {
  runId: string;
  topic: string;
  status: RunStatus;
  currentStep: ToolName | 'approval' | null;
  plan: string[];
  provider: string | null;
  pendingAction: PendingAction | null;
  decision: Decision | null;
  artifacts: {
    draft?: { sha256: string; lines: number; chars: number };
    report?: { path: string; bytes: number; sha256: string };
  };
  steps: StepResult[];
  findings: string[];
  error: string | null;
  trace: TraceEvent[];
}

/** What `result` returns when a run ends: the state without the trace, which stays queryable. */
export type RunResult = Omit<RunState, 'trace'>;

export function previewOf(markdown: string, lines: number): DraftPreview {
  const all = markdown.split('\n');
  return { firstLines: all.slice(0, lines), lineCount: all.length, charCount: markdown.length };
}
