/** The report's required shape, shared by the drafter that writes it and the reviewer that checks it. */
import type { Fact } from '../shared/tools';

export const titleLine = (topic: string) => `# Report: ${topic}`;
export const KEY_FINDINGS = '## Key Findings';
export const HARNESS_NOTES = '## Harness Notes';

/** Problems that fail a review; an empty list means the draft has the required shape. */
export function structuralProblems(topic: string, markdown: string): string[] {
  const lines = markdown.split('\n').map((l) => l.trimEnd());
  const problems: string[] = [];
  if (lines[0] !== titleLine(topic)) problems.push(`first line must be "${titleLine(topic)}"`);
  const findingsAt = lines.indexOf(KEY_FINDINGS);
  if (findingsAt < 0) problems.push(`missing section "${KEY_FINDINGS}"`);
  if (!lines.includes(HARNESS_NOTES)) problems.push(`missing section "${HARNESS_NOTES}"`);
  if (findingsAt >= 0) {
    const nextSection = lines.findIndex((l, i) => i > findingsAt && l.startsWith('## '));
    const body = lines.slice(findingsAt + 1, nextSection < 0 ? undefined : nextSection);
    if (!body.some((l) => l.startsWith('- '))) problems.push(`"${KEY_FINDINGS}" has no findings: no source matched the topic`);
  }
  return problems;
}

export function factBullets(facts: Fact[]): string[] {
  return facts.map((f) => `- ${f.text} _(source: ${f.source})_`);
}
