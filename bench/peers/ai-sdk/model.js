/**
 * The bench's scripted model as an AI SDK `ProviderV4`: the turn is one more than the tool
 * messages in the prompt, and the reply is a `LanguageModelV4` generate result.
 */
const { nextStep } = require('../script');

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
};

const scriptedModel = {
  specificationVersion: 'v4',
  provider: 'bench',
  modelId: 'bench',
  supportedUrls: {},
  async doGenerate(options) {
    const turn = 1 + options.prompt.filter((message) => message.role === 'tool').length;
    const step = nextStep(turn);
    return 'call' in step
      ? {
          content: [{ type: 'tool-call', toolCallId: `call_${turn}`, toolName: 'bench_echo', input: JSON.stringify(step.call) }],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage,
          warnings: [],
        }
      : { content: [{ type: 'text', text: step.answer }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] };
  },
  async doStream() {
    throw new Error('the bench model does not stream');
  },
};

const scriptedProvider = {
  specificationVersion: 'v4',
  languageModel: () => scriptedModel,
  embeddingModel: () => {
    throw new Error('the bench model has no embeddings');
  },
  imageModel: () => {
    throw new Error('the bench model has no images');
  },
};

module.exports = { scriptedProvider };
