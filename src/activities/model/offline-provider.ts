/**
 * Deterministic provider: same input, same plan, draft and review, with no network. An optional
 * latency per step stands in for a model's response time (demos, chaos runs, benchmarks).
 */
import { factBullets, HARNESS_NOTES, KEY_FINDINGS, structuralProblems, titleLine } from '../report-format';
import type { Fact } from '../../shared/tools';
import type { ModelProvider, Review } from './provider';

export function createOfflineProvider(latencyMs = 0): ModelProvider {
  const think = () => (latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, latencyMs)) : Promise.resolve());
  return {
    name: 'offline',
    plan: async (topic, sourceTitles) => (await think(), { value: offlinePlan(topic, sourceTitles) }),
    draft: async (topic, plan, facts) => (await think(), { value: offlineDraft(topic, plan, facts) }),
    review: async (topic, markdown) => (await think(), { value: offlineReview(topic, markdown) }),
  };
}

export const offlineProvider = createOfflineProvider();

function offlinePlan(topic: string, sourceTitles: string[]): string[] {
  return [
    `Search ${sourceTitles.length} source document(s) for "${topic}".`,
    'Extract the leading sentences of the best matches as facts.',
    'Draft a markdown report with Key Findings and Harness Notes.',
    'Review the draft for the required sections.',
    'Ask a human to approve before writing the report to disk.',
  ];
}

function offlineDraft(topic: string, plan: string[], facts: Fact[]): string {
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
}

function offlineReview(topic: string, markdown: string): Review {
  const problems = structuralProblems(topic, markdown);
  return problems.length
    ? { passed: false, findings: problems }
    : { passed: true, findings: ['title, Key Findings and Harness Notes present', 'at least one sourced finding'] };
}
