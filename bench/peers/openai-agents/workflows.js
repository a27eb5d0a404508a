/**
 * The ten-turn bench agent on the OpenAI Agents SDK under Temporal's integration: the runner's
 * model calls run as its model activity, the tool as an activity (`activityAsTool`).
 */
const { Agent } = require('@openai/agents-core');
const { TemporalOpenAIRunner, activityAsTool } = require('@temporalio/openai-agents/workflow');
const { ECHO_PARAMETERS } = require('../script');

const echo = activityAsTool(
  { name: 'bench_echo', description: 'Returns its input.', parameters: ECHO_PARAMETERS },
  { startToCloseTimeout: '10s', retryPolicy: { maximumAttempts: 3 } },
);

async function peerOpenAIAgent(prompt) {
  const agent = new Agent({ name: 'bench', instructions: 'Call bench_echo until the script says stop.', model: 'bench', tools: [echo] });
  const result = await new TemporalOpenAIRunner().run(agent, prompt, { maxTurns: 20 });
  return { answer: result.finalOutput ?? '', turns: result.rawResponses.length };
}

module.exports = { peerOpenAIAgent };
