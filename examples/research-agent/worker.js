/**
 * The research agent's worker: the harness's worker (TEMPORAL_*, HARNESS_* from the environment)
 * with the built-in research tools, this agent, its policy as the default for runs started
 * without one, and the offline research model unless an endpoint is configured.
 *
 *   npm run build && node examples/research-agent/worker.js
 */
const path = require('node:path');
const { readEnv, runWorker } = require('durable-harness/worker');
const { researchModel } = require('./model');

const env = readEnv({ HARNESS_POLICY_FILE: path.join(__dirname, 'policy.yaml'), ...process.env });
runWorker(env, {
  workflowsPath: require.resolve('./agent'),
  ...(env.HARNESS_MODEL_PROVIDER === 'openai_compatible' ? {} : { chatModel: researchModel }),
}).catch((err) => {
  console.error(`worker: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
