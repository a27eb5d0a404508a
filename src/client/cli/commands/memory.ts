/** `harness memory ID [--query Q] [--top-k K]`: working context, session state and retrieval memory. */
import { RunMemory, runMemory } from '../../views/memory';
import { printJson } from '../format';
import { RunRef, snapshotOf } from '../read-run';
import { say } from '../terminal';

export async function memoryCommand(ref: RunRef, options: { json?: boolean; query?: string; topK?: number }): Promise<void> {
  const memory = runMemory((await snapshotOf(ref)).snapshot, { query: options.query, topK: options.topK });
  if (options.json) printJson(memory);
  else say(`${formatMemory(memory)}\n`);
}

function formatMemory({ runId, layers: { workingContext: w, sessionState: s, retrievalMemory: r } }: RunMemory): string {
  return [
    `run: ${runId}`,
    `working context (${w.description}):`,
    `  step ${w.currentStep ?? '-'} (${w.status}); plan: ${w.plan.join(' → ') || '-'}`,
    `  ${w.factCount} fact(s)${w.factsPreview.map((f) => `\n    - ${f.text} [${f.source}]`).join('')}`,
    `  draft: ${w.draftPreview ?? '-'}`,
    `  pending: ${w.pendingAction ? `${w.pendingAction.tool} (digest ${w.pendingAction.digest.slice(0, 12)}…, ${w.pendingAction.stillNeeded} approval(s) needed)` : '-'}`,
    `session state (${s.description}):`,
    `  ${s.status}; started ${s.startedAt ?? '-'}${s.startedBy ? ` by ${s.startedBy}` : ''}; policy ${s.policy.name}`,
    `  steps: ${s.steps.map((st) => `${st.tool} ${st.status}×${st.attempts}`).join(', ') || '-'} (${s.totalAttempts} attempts)`,
    `  events: ${Object.entries(s.eventCounts)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}`,
    ...(s.lastError ? [`  last error: ${s.lastError}`] : []),
    `retrieval memory for "${r.query}" (top ${r.topK}):`,
    ...(r.results.length
      ? r.results.map((hit) => `  ${hit.score.toFixed(3)} ${hit.kind.padEnd(6)} ${hit.title}: ${hit.content}`)
      : ['  nothing matches']),
  ].join('\n');
}
