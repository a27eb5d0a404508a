/** search_sources: ranks documents by the share of topic words they contain. */
import { contentWords } from './text';
import type { ToolInput, ToolOutput } from '../shared/tools';

const TOP_N = 5;

export async function searchSources({ topic, sources }: ToolInput<'search_sources'>): Promise<ToolOutput<'search_sources'>> {
  const topicWords = [...new Set(contentWords(topic))];
  const scored = sources.map((source, index) => {
    const words = new Set(contentWords(`${source.title} ${source.content}`));
    const hits = topicWords.filter((w) => words.has(w)).length;
    const score = topicWords.length ? Math.round((hits / topicWords.length) * 1000) / 1000 : 0;
    return { ...source, score, index };
  });
  const matches = scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, TOP_N)
    .map(({ title, content, score }) => ({ title, content, score }));
  return { matches };
}
