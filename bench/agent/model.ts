/** The scripted model of the agent benchmark, and the same rule as plain functions for the floor and the in-process loop. */
import type { ModelTurnInput } from '../../src/shared/public';
import { scriptedModel } from '../../src/worker/public';

export const AGENT_TURNS = 10;

/** Turn n < 10 asks for bench_echo(n); turn 10 answers. A session answers every message at once. */
export function nextStep(turn: number, session: boolean): { call: { n: number } } | { answer: string } {
  return session || turn >= AGENT_TURNS ? { answer: `done after ${turn} turns` } : { call: { n: turn } };
}

/** Usage as a real endpoint reports it, fixed so token accounting costs what it costs and no more. */
const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };

export const benchModel = scriptedModel('bench', (input: ModelTurnInput) => {
  const step = nextStep(input.turn, input.agent === 'benchSession');
  return 'call' in step ? { toolCalls: [{ name: 'bench_echo', arguments: step.call }], usage } : { content: step.answer, usage };
});
