/**
 * What both peers share: the bench's one model rule (bench/agent/script.ts, compiled by `npm run
 * bench` before it runs, the rule the harness's and the floor's models follow too), the tool's
 * schema and its activity.
 */
const agentScript = require('../../dist-bench/bench/agent/script');

/** Turn n < 10 asks for bench_echo(n); turn 10 answers. */
const nextStep = (turn) => agentScript.nextStep(turn, false);

/** The tool's JSON Schema, as each SDK is given it (strict: every property required, no others). */
const ECHO_PARAMETERS = {
  type: 'object',
  properties: { n: { type: 'integer' } },
  required: ['n'],
  additionalProperties: false,
};

/** The tool activity both peers call: it returns its input, as the harness's and the floor's do. */
const activities = {
  async bench_echo(input) {
    return input;
  },
};

module.exports = { nextStep, ECHO_PARAMETERS, activities };
