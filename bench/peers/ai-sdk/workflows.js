/**
 * The ten-turn bench agent on the Vercel AI SDK under Temporal's integration: `generateText` with
 * the integration's activity-backed model, and a tool whose `execute` is the tool activity.
 */
const { temporalProvider } = require('@temporalio/ai-sdk/workflow');
const { generateText, jsonSchema, stepCountIs, tool } = require('ai');
const { proxyActivities } = require('@temporalio/workflow');
const { ECHO_PARAMETERS } = require('../script');

const { bench_echo } = proxyActivities({ startToCloseTimeout: '10s', retry: { maximumAttempts: 3 } });

async function peerAiSdkAgent(prompt) {
  const result = await generateText({
    model: temporalProvider.languageModel('bench'),
    system: 'Call bench_echo until the script says stop.',
    prompt,
    tools: { bench_echo: tool({ description: 'Returns its input.', inputSchema: jsonSchema(ECHO_PARAMETERS), execute: bench_echo }) },
    stopWhen: stepCountIs(20),
  });
  return { answer: result.text, turns: result.steps.length };
}

module.exports = { peerAiSdkAgent };
