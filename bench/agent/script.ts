/** The agent benchmark's model rule, plain: the harness's scripted model and the floor's model activity both follow it. */
export const AGENT_TURNS = 10;

/** Turn n < 10 asks for bench_echo(n); turn 10 answers. A session answers every message at once. */
export function nextStep(turn: number, session: boolean): { call: { n: number } } | { answer: string } {
  return session || turn >= AGENT_TURNS ? { answer: `done after ${turn} turns` } : { call: { n: turn } };
}
