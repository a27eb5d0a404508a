/**
 * A run of the seed harness (67ailab/harness-engineering), read from its `.runs/<id>/state.json`, as
 * a snapshot every read command understands. The seed's names become ours (`search_mock` is
 * `search_sources`; its gate is our approval step); what it never recorded stays empty rather than
 * invented: no approver identity, no policy digest, and token counts as unreported, because the
 * seed's are estimates. Digests are computed here, from the draft, exactly as our runs compute them.
 */
import { z } from 'zod';
import { sha256Hex } from '../../shared/digest';
import type { Handoff, PendingAction, RoleName, RunState, RunStatus, StepResult, TraceEvent } from '../../shared/run';
import { ROLE_NAMES } from '../../shared/run';
import type { RunSnapshot } from '../../shared/run-snapshot';
import { RUN_ID_PATTERN } from '../../shared/constants';

/** The seed's tool names that are not ours. */
const SEED_TOOLS: Record<string, string> = { search_mock: 'search_sources' };
const toolName = (seed: string) => SEED_TOOLS[seed] ?? seed;

/** The seed's statuses; a `created` run never started a step. */
const SEED_STATUSES: Record<string, RunStatus> = {
  created: 'running',
  running: 'running',
  waiting_approval: 'waiting_approval',
  completed: 'completed',
  failed: 'failed',
  rejected: 'rejected',
};

const Json = z.record(z.string(), z.unknown());
/** The fields of the seed's RunState (models.py) this reading uses; anything else it holds is kept out. */
export const SeedState = z.object({
  run_id: z.string().regex(RUN_ID_PATTERN, 'must be a run id (letters, digits, ".", "_", "-"), not a path'),
  topic: z.string(),
  status: z.enum(Object.keys(SEED_STATUSES) as [string, ...string[]]),
  created_at: z.string(),
  updated_at: z.string(),
  current_step: z.string(),
  approved: z.boolean().default(false),
  run_mode: z.string().default('single'),
  plan: z.array(z.string()).default([]),
  source_documents: z.array(z.object({ title: z.string(), content: z.string() })).default([]),
  artifacts: Json.default({}),
  trace: z.array(z.object({ timestamp: z.string(), event: z.string(), detail: Json.default({}) })).default([]),
  step_results: z
    .array(
      z.object({
        tool_name: z.string(),
        ok: z.boolean(),
        attempts: z.number().int().default(1),
        error: z.string().nullable().default(null),
        started_at: z.string().nullable().default(null),
        finished_at: z.string().nullable().default(null),
        duration_ms: z.number().nullable().default(null),
      }),
    )
    .default([]),
});
export type SeedState = z.infer<typeof SeedState>;

/** A state.json the seed wrote: its own field names, and none of our export's. */
export const looksLikeSeedState = (raw: unknown): boolean =>
  typeof raw === 'object' && raw !== null && 'run_id' in raw && 'step_results' in raw && !('format' in raw);

/** The seed's timestamps carry no milliseconds and a `+00:00` offset; ours are `toISOString()`. */
const iso = (at: string | null | undefined): string => {
  const time = at ? Date.parse(at) : NaN;
  return Number.isNaN(time) ? (at ?? '') : new Date(time).toISOString();
};

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const role = (value: unknown): RoleName | undefined =>
  (ROLE_NAMES as readonly unknown[]).includes(value) ? (value as RoleName) : undefined;

export function fromSeedState(seed: SeedState): RunSnapshot {
  const a = seed.artifacts;
  const status = SEED_STATUSES[seed.status];
  const markdown = str(a.draft_markdown);
  const draft = markdown === undefined ? null : { markdown, sha256: sha256Hex(markdown) };
  const review = (a.review ?? null) as { passed?: boolean; findings?: string[] } | null;
  const findings = Array.isArray(review?.findings) ? review.findings.map(String) : [];
  const trace: TraceEvent[] = seed.trace.map((event, i) => {
    const tool = str(event.detail.tool) ?? str(event.detail.action);
    return {
      seq: i + 1,
      at: iso(event.timestamp),
      // Names the seed shares with us read as ours; its others (approval_still_required, …) are kept as it wrote them.
      type: event.event as TraceEvent['type'],
      ...(tool ? { tool: toolName(tool) } : {}),
      // Our draft_reviewed holds the review itself; the seed's holds it under `review`.
      data:
        event.event === 'draft_reviewed' && typeof event.detail.review === 'object'
          ? (event.detail.review as Record<string, unknown>)
          : event.detail,
    };
  });
  const eventAt = (type: string) => trace.find((e) => e.type === type)?.at;
  const steps: StepResult[] = seed.step_results.map((s) => ({
    tool: toolName(s.tool_name),
    status: s.ok ? 'ok' : 'error',
    attempts: s.attempts,
    startedAt: iso(s.started_at),
    ...(s.finished_at ? { finishedAt: iso(s.finished_at) } : {}),
    ...(s.duration_ms !== null ? { durationMs: s.duration_ms } : {}),
    ...(s.error ? { error: s.error } : {}),
  }));
  const requestedAt = eventAt('approval_required');
  const pendingAction = status === 'waiting_approval' && draft ? seedPending(seed, draft, findings, review, requestedAt) : null;
  const report = a.final_report as { path?: unknown; bytes?: unknown } | undefined;
  const grantedAt = eventAt('approval_granted');
  const roles = seed.run_mode === 'multi_agent' ? seedRoles(seed) : undefined;
  const state: RunState = {
    runId: seed.run_id,
    topic: seed.topic,
    status,
    currentStep: status === 'waiting_approval' ? 'approval' : seed.current_step === 'done' ? null : toolName(seed.current_step),
    plan: seed.plan,
    provider: str(a.planner) === 'mock' ? 'offline' : (str(a.planner) ?? null),
    pendingAction,
    decision: grantedAt ? { outcome: 'approved', approver: 'unknown (the seed records none)', at: grantedAt } : null,
    gates: requestedAt
      ? [
          {
            gate: 1,
            tool: 'finalize_report',
            digest: draft?.sha256 ?? '',
            openedAt: requestedAt,
            outcome: grantedAt ? 'approved' : 'pending',
            ...(grantedAt ? { decidedAt: grantedAt } : {}),
            approvals: [],
          },
        ]
      : [],
    artifacts: {
      ...(draft ? { draft: { sha256: draft.sha256, lines: draft.markdown.split('\n').length, chars: draft.markdown.length } } : {}),
      ...(report && typeof report.path === 'string' && typeof report.bytes === 'number' && draft
        ? // The seed writes the draft as the report: its digest is the draft's.
          { report: { path: report.path, bytes: report.bytes, sha256: draft.sha256 } }
        : {}),
    },
    steps,
    findings,
    error: status === 'failed' ? failure(seed, trace) : null,
    pausedOn: null,
    policy: { name: str((a.policy as Record<string, unknown> | undefined)?.policy_file) ?? 'the seed harness default', digest: null },
    startedBy: null,
    // The seed estimates tokens; this harness never does: its model steps count as unreported.
    usage: {
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      reportedSteps: 0,
      unreportedSteps: steps.filter((s) => s.tool === 'draft_report').length,
      budget: null,
    },
    ...(roles ? { roles } : {}),
    trace,
  };
  return {
    state,
    sources: seed.source_documents,
    facts: (Array.isArray(a.facts) ? a.facts : []).map(seedFact),
    draft,
    drafted: draft,
    pendingCall: pendingAction && draft ? { tool: 'finalize_report', digest: draft.sha256, args: { runId: seed.run_id, ...draft } } : null,
  };
}

function seedPending(
  seed: SeedState,
  draft: { markdown: string; sha256: string },
  findings: string[],
  review: { passed?: boolean } | null,
  requestedAt: string | undefined,
): PendingAction {
  const details = (seed.artifacts.pending_action_details ?? {}) as Record<string, unknown>;
  const lines = draft.markdown.split('\n');
  return {
    tool: 'finalize_report',
    gate: 1,
    reason: str(details.reason) ?? 'finalize_report writes the report',
    preview: { firstLines: lines.slice(0, 12), lineCount: lines.length, charCount: draft.markdown.length },
    review: { passed: review?.passed === true, findings },
    digest: draft.sha256,
    requestedAt: requestedAt ?? iso(seed.updated_at),
    approvals: [],
    minApprovals: 1,
    stillNeeded: 1,
    eligibleApprovers: null,
    allowSelfApproval: true,
    expiresAt: null,
    escalated: false,
  };
}

/** The seed keeps a fact as "[source title] sentence". */
function seedFact(fact: unknown) {
  const text = String(fact);
  const titled = /^\[([^\]]+)\] (.*)$/s.exec(text);
  return titled ? { source: titled[1], text: titled[2] } : { source: '', text };
}

function failure(seed: SeedState, trace: TraceEvent[]): string {
  const stepError = [...seed.step_results].reverse().find((s) => s.error)?.error;
  const denied = [...trace].reverse().find((e) => e.type === 'policy_denied');
  return stepError ?? str(denied?.data?.reason) ?? 'failed (the seed recorded no reason)';
}

function seedRoles(seed: SeedState): RunState['roles'] {
  const handoffs = (Array.isArray(seed.artifacts.handoffs) ? seed.artifacts.handoffs : []) as Record<string, unknown>[];
  return {
    current: role(seed.artifacts.current_role) ?? null,
    handoffs: handoffs.map((h, i): Handoff => ({
      seq: i + 1,
      from: role(h.from_role) ?? 'run',
      to: role(h.to_role) ?? 'approval',
      purpose: str(h.purpose) ?? '',
      summary: JSON.stringify(h.payload ?? {}).slice(0, 200),
      childId: null,
      startedAt: iso(str(h.timestamp)),
      // A handoff ends when the next begins; the last one is still open while the run is.
      ...(i + 1 < handoffs.length || seed.status !== 'waiting_approval'
        ? { endedAt: iso(str(handoffs[i + 1]?.timestamp ?? seed.updated_at)) }
        : {}),
    })),
  };
}
