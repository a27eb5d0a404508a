/** The agent benchmark's scripted model: the rule of script.ts, as the harness's model turn answers. */
import type { ModelTurnInput } from '../../src/shared/public';
import { scriptedModel } from '../../src/worker/public';
import { nextStep } from './script';

/** Usage as a real endpoint reports it, fixed so token accounting costs what it costs and no more. */
const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };

export const benchModel = scriptedModel('bench', (input: ModelTurnInput) => {
  const step = nextStep(input.turn, input.agent === 'benchSession');
  return 'call' in step ? { toolCalls: [{ name: 'bench_echo', arguments: step.call }], usage } : { content: step.answer, usage };
});
