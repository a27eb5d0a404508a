/**
 * The research agent's offline model: plain rules over the tool results, so the example runs
 * with no endpoint (set HARNESS_MODEL_PROVIDER=openai_compatible to give it a real one). Each turn
 * it calls the first research tool whose result the conversation lacks; a real model may choose
 * another order, and the policy holds whatever it chooses.
 *
 * The prompt it reads: "Research: <topic>", "Report: <slug>", then "Sources:" and a JSON array of
 * {title, content} (researchPrompt below writes it).
 */
const { scriptedModel } = require('durable-harness/worker');

/** The prompt researchScript reads. */
function researchPrompt(topic, slug, sources) {
  return `Research: ${topic}\nReport: ${slug}\nSources:\n${JSON.stringify(sources)}`;
}

function parsePrompt(text) {
  const topic = /^Research: (.+)$/m.exec(text)?.[1];
  const slug = /^Report: ([a-z0-9-]+)$/m.exec(text)?.[1];
  const at = text.indexOf('\nSources:\n');
  if (!topic || !slug || at < 0) return null;
  try {
    return { topic, slug, sources: JSON.parse(text.slice(at + '\nSources:\n'.length)) };
  } catch {
    return null;
  }
}

/** The latest successful result of each tool, parsed. */
function resultsOf(messages) {
  const results = {};
  for (const message of messages)
    if (message.role === 'tool' && !message.isError) {
      try {
        results[message.name] = JSON.parse(message.content);
      } catch {
        // Not JSON: not a result these rules use.
      }
    }
  return results;
}

function researchScript(input) {
  const prompt = parsePrompt(input.messages[0].content);
  if (!prompt) return { content: 'Give me "Research: <topic>", "Report: <slug>" and "Sources:" with a JSON array of {title, content}.' };
  const { topic, slug, sources } = prompt;
  const done = resultsOf(input.messages);
  const call = (name, args) => ({ toolCalls: [{ name, arguments: args }] });
  const last = input.messages[input.messages.length - 1];
  if (done.finalize_report) return { content: `Wrote ${done.finalize_report.path} (sha256 ${done.finalize_report.sha256}).` };
  if (last.role === 'tool' && last.isError) return { content: `Stopped: ${last.name} came back with: ${last.content}` };
  if (!done.plan_run) return call('plan_run', { topic, sourceTitles: sources.map((s) => s.title) });
  if (!done.search_sources) return call('search_sources', { topic, sources });
  if (!done.extract_facts) return call('extract_facts', { matches: done.search_sources.matches });
  if (!done.draft_report) return call('draft_report', { topic, plan: done.plan_run.steps, facts: done.extract_facts.facts });
  if (!done.review_draft) return call('review_draft', { topic, markdown: done.draft_report.markdown });
  if (!done.review_draft.passed) return { content: `The review failed: ${done.review_draft.findings.join('; ')}` };
  const { markdown, sha256 } = done.draft_report;
  return call('finalize_report', { runId: slug, markdown, sha256, relativePath: `reports/${slug}.md` });
}

module.exports = { researchPrompt, researchScript, researchModel: scriptedModel('research', researchScript) };
