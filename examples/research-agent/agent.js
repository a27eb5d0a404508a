/**
 * The research run as an agent (a workflows module for `harness worker`, HARNESS_WORKFLOWS): the
 * model gets the six research tools and decides their order itself. Whatever it decides,
 * finalize_report writes only what policy.yaml lets through: once, under reports/, a draft whose
 * digest a passing review returned in this run, and only after a person approves that exact call.
 */
const { defineAgent, RESEARCH_TOOLS } = require('durable-harness/workflow');

exports.researchAgent = defineAgent({
  name: 'researchAgent',
  description: 'Researches a topic from the sources in its prompt and writes the report once it is approved.',
  instructions: [
    'You write short research reports from the sources you are given.',
    'Plan with plan_run, find the relevant sources with search_sources, take facts from the matches with extract_facts,',
    'draft with draft_report and have the draft reviewed with review_draft. When the review passes, write it with',
    'finalize_report: the markdown and sha256 exactly as draft_report returned them, runId the report slug from the prompt,',
    'relativePath reports/<slug>.md. Then answer with the path written.',
  ].join(' '),
  tools: Object.values(RESEARCH_TOOLS),
  limits: { maxTurns: 16 },
});
