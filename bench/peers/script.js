/** The peers' copy of the bench's model rule (bench/agent/script.ts), as plain JS their bundles can load. */
const AGENT_TURNS = 10;

/** Turn n < 10 asks for bench_echo(n); turn 10 answers. */
function nextStep(turn) {
  return turn >= AGENT_TURNS ? { answer: `done after ${turn} turns` } : { call: { n: turn } };
}

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

module.exports = { AGENT_TURNS, nextStep, ECHO_PARAMETERS, activities };
