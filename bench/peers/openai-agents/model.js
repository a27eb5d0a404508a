/**
 * The bench's scripted model as an OpenAI Agents SDK `ModelProvider`: the turn is one more than
 * the tool results the runner sends back, and the reply is a Responses-API output item.
 */
const { Usage } = require('@openai/agents-core');
const { nextStep } = require('../script');

const usage = () => new Usage({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 });

const scriptedModel = {
  async getResponse(request) {
    const items = Array.isArray(request.input) ? request.input : [];
    const turn = 1 + items.filter((item) => item.type === 'function_call_result').length;
    const step = nextStep(turn);
    const output =
      'call' in step
        ? [{ type: 'function_call', callId: `call_${turn}`, name: 'bench_echo', arguments: JSON.stringify(step.call), status: 'completed' }]
        : [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: step.answer }] }];
    return { usage: usage(), output, responseId: `resp_${turn}` };
  },
  getStreamedResponse() {
    throw new Error('the bench model does not stream');
  },
};

const scriptedProvider = { getModel: () => scriptedModel };

module.exports = { scriptedProvider };
