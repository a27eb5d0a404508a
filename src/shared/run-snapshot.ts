/**
 * Everything an operator can read about one run, in one value: its state (trace included) and the
 * material the state only counts: the sources it was given, the facts it extracted, its draft and
 * the whole tool call waiting at a gate. A live run answers it as a query; a closed one yields it by
 * replaying its history on the client (see the sink below); an export folder stores it as state.json.
 */
import type { Sinks } from '@temporalio/workflow';
import { z } from 'zod';
import { RUN_ID_PATTERN } from './constants';
import { RUN_STATUSES, RunState } from './run';
import { Fact, SourceDocument } from './tools';

export interface PendingCall {
  tool: string;
  digest: string;
  /** The arguments the gate approves, edits applied: for finalize_report, the whole report. */
  args: Record<string, unknown>;
}

export interface RunSnapshot {
  state: RunState;
  sources: SourceDocument[];
  facts: Fact[];
  /** The report draft_report wrote (an approved edit replaces it); null before that step. */
  draft: { markdown: string; sha256: string } | null;
  /** The draft as the run's own tools wrote it, whatever an approver's edit made of it (absent in runs from before it was kept). */
  drafted?: { markdown: string; sha256: string } | null;
  pendingCall: PendingCall | null;
}

/**
 * Replaying a history has no one to answer queries, so the workflow hands its snapshot to this sink
 * while it replays (it never calls it otherwise). Only the client's replayer registers it with
 * `callDuringReplay`; the last call of a replay is the run as its history leaves it.
 */
export interface SnapshotSinks extends Sinks {
  runSnapshot: { replayed(snapshot: RunSnapshot): void };
}

const Loose = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough();

/**
 * What an export folder's state.json must hold before any view reads it: every field a view uses,
 * so a hand-edited or truncated file is refused with the field named instead of failing later.
 */
export const StoredSnapshot = Loose({
  state: Loose({
    // It names the export's folder: a safe name, never a path (`/tmp/x`, `../../y`).
    runId: z.string().regex(RUN_ID_PATTERN, 'must be a run id (letters, digits, ".", "_", "-"), not a path'),
    topic: z.string(),
    status: z.enum(RUN_STATUSES),
    currentStep: z.string().nullable(),
    plan: z.array(z.string()),
    pendingAction: Loose({ tool: z.string(), digest: z.string(), stillNeeded: z.number() }).nullable(),
    artifacts: Loose({ report: Loose({ path: z.string(), bytes: z.number(), sha256: z.string() }).optional() }),
    steps: z.array(Loose({ tool: z.string(), status: z.string(), attempts: z.number(), durationMs: z.number().optional() })),
    gates: z.array(Loose({ gate: z.number(), tool: z.string(), outcome: z.string() })).optional(),
    findings: z.array(z.string()),
    error: z.string().nullable(),
    pausedOn: Loose({ error: z.string() }).nullable(),
    policy: Loose({ name: z.string() }),
    startedBy: z.string().nullable(),
    trace: z.array(Loose({ seq: z.number(), at: z.string(), type: z.string() })),
  }),
  sources: z.array(SourceDocument),
  facts: z.array(Fact),
  draft: Loose({ markdown: z.string(), sha256: z.string() }).nullable(),
  pendingCall: Loose({ tool: z.string(), digest: z.string(), args: z.record(z.string(), z.unknown()) }).nullable(),
});
