/**
 * `harness memory`: the run's memory in the seed's three layers. Working context is what the next
 * step needs; session state is what pause, resume and an operator need; retrieval memory is the
 * run's sources and facts ranked against a query (the topic by default), fetched on demand.
 */
import type { RunSnapshot } from '../../shared/run-snapshot';
import { countEvents } from './summary';

const PREVIEW_CHARS = 220;

const compact = (text: string, limit = PREVIEW_CHARS) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1).trimEnd()}…`;
};

/** Lower-case words of two letters or more: what a query and a passage are compared on. */
const termsOf = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];

export interface RetrievalHit {
  kind: 'source' | 'fact';
  title: string;
  /** Share of the query's distinct terms the passage contains (0–1); ties go to more occurrences. */
  score: number;
  occurrences: number;
  content: string;
}

export function retrieve(snapshot: RunSnapshot, query: string, topK: number): RetrievalHit[] {
  const wanted = [...new Set(termsOf(query))];
  if (!wanted.length) return [];
  const rank = (kind: RetrievalHit['kind'], title: string, text: string): RetrievalHit => {
    const terms = termsOf(`${title} ${text}`);
    const matched = wanted.filter((w) => terms.includes(w)).length;
    const occurrences = terms.filter((t) => wanted.includes(t)).length;
    return { kind, title, score: Math.round((matched / wanted.length) * 1000) / 1000, occurrences, content: compact(text, 280) };
  };
  const hits = [
    ...snapshot.sources.map((s) => rank('source', s.title, s.content)),
    ...snapshot.facts.map((f) => rank('fact', f.source, f.text)),
  ];
  return hits
    .filter((h) => h.score > 0)
    .sort((a, b) => b.score - a.score || b.occurrences - a.occurrences)
    .slice(0, topK);
}

export function runMemory(snapshot: RunSnapshot, options: { query?: string; topK?: number } = {}) {
  const { state, facts, draft } = snapshot;
  const query = options.query?.trim() || state.topic;
  const topK = options.topK ?? 5;
  const lastError = state.error ?? [...state.steps].reverse().find((s) => s.error)?.error ?? null;
  return {
    runId: state.runId,
    layers: {
      workingContext: {
        description: 'what the next step needs',
        topic: state.topic,
        status: state.status,
        currentStep: state.currentStep,
        currentRole: state.roles?.current ?? null,
        plan: state.plan,
        factCount: facts.length,
        factsPreview: facts.slice(0, 3).map((f) => ({ source: f.source, text: compact(f.text) })),
        draftPreview: draft ? compact(draft.markdown) : null,
        pendingAction: state.pendingAction
          ? { tool: state.pendingAction.tool, digest: state.pendingAction.digest, stillNeeded: state.pendingAction.stillNeeded }
          : null,
        review: state.findings.length ? { findings: state.findings.slice(0, 3) } : null,
      },
      sessionState: {
        description: 'what pause, resume and an operator need; Temporal keeps it durable',
        runId: state.runId,
        topic: state.topic,
        status: state.status,
        startedBy: state.startedBy,
        policy: state.policy,
        startedAt: state.trace[0]?.at ?? null,
        lastEventAt: state.trace.at(-1)?.at ?? null,
        steps: state.steps.map((s) => ({ tool: s.tool, status: s.status, attempts: s.attempts, error: s.error ?? null })),
        totalAttempts: state.steps.reduce((sum, s) => sum + s.attempts, 0),
        eventCounts: countEvents(state.trace),
        handoffCount: state.roles?.handoffs.length ?? 0,
        lastError,
      },
      retrievalMemory: {
        description: "the run's sources and extracted facts ranked against the query, fetched on demand",
        query,
        topK,
        results: retrieve(snapshot, query, topK),
      },
    },
  };
}
export type RunMemory = ReturnType<typeof runMemory>;
