/** extract_facts: the leading sentences of each match, tagged with their source. */
import { sentences } from './text';
import type { Fact, ToolInput, ToolOutput } from '../shared/tools';

const SENTENCES_PER_MATCH = 2;
const MAX_FACTS = 10;

export async function extractFacts({ matches }: ToolInput<'extract_facts'>): Promise<ToolOutput<'extract_facts'>> {
  const facts: Fact[] = matches.flatMap((match) =>
    sentences(match.content)
      .slice(0, SENTENCES_PER_MATCH)
      .map((text) => ({ source: match.title, text })),
  );
  return { facts: facts.slice(0, MAX_FACTS) };
}
