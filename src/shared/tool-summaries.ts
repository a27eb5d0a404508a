/**
 * One line per tool call for Temporal Web's event history ("user metadata"): the tool and its key
 * argument, so the run page says what each activity did without opening its payload. Pure.
 */
import type { ToolInput, ToolName } from './tools';

const quoted = (text: string, max = 60) => `"${text.length > max ? `${text.slice(0, max - 1)}…` : text}"`;

const SUMMARIES: { [N in ToolName]: (input: ToolInput<N>) => string } = {
  plan_run: (i) => `plan ${quoted(i.topic)} from ${i.sourceTitles.length} source title(s)`,
  search_sources: (i) => `search ${i.sources.length} source(s) for ${quoted(i.topic)}`,
  extract_facts: (i) => `extract facts from ${i.matches.length} match(es)`,
  draft_report: (i) => `draft ${quoted(i.topic)} from ${i.facts.length} fact(s)`,
  review_draft: (i) => `review a ${i.markdown.length}-character draft of ${quoted(i.topic)}`,
  finalize_report: (i) => `write ${i.relativePath ?? `${i.runId}/final_report.md`} (sha256 ${i.sha256.slice(0, 12)})`,
};

export function toolSummary<N extends ToolName>(name: N, input: ToolInput<N>): string {
  try {
    return `${name}: ${(SUMMARIES[name] as (input: ToolInput<N>) => string)(input)}`;
  } catch {
    // An input the contract will refuse: the summary must not be what fails.
    return name;
  }
}
