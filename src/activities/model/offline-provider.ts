/** Deterministic provider: same input, same plan, draft and review, with no network. */
import { factBullets, HARNESS_NOTES, KEY_FINDINGS, structuralProblems, titleLine } from '../report-format';
import type { ModelProvider } from './provider';

export const offlineProvider: ModelProvider = {
  name: 'offline',

  async plan(topic, sourceTitles) {
    return [
      `Search ${sourceTitles.length} source document(s) for "${topic}".`,
      'Extract the leading sentences of the best matches as facts.',
      'Draft a markdown report with Key Findings and Harness Notes.',
      'Review the draft for the required sections.',
      'Ask a human to approve before writing the report to disk.',
    ];
  },

  async draft(topic, plan, facts) {
    const sources = new Set(facts.map((f) => f.source));
    return [
      titleLine(topic),
      '',
      KEY_FINDINGS,
      '',
      ...factBullets(facts),
      '',
      HARNESS_NOTES,
      '',
      `- ${facts.length} fact(s) from ${sources.size} source(s); drafted by the offline provider.`,
      `- Plan followed: ${plan.length} step(s).`,
      '- Written to disk only after a human approved this exact draft (sha256 digest).',
      '',
    ].join('\n');
  },

  async review(topic, markdown) {
    const problems = structuralProblems(topic, markdown);
    return problems.length
      ? { passed: false, findings: problems }
      : { passed: true, findings: ['title, Key Findings and Harness Notes present', 'at least one sourced finding'] };
  },
};
