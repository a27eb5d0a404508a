/** The floor's activities: each returns at once, so a step costs only what Temporal charges for it. */
import { nextStep } from '../agent/script';
import type { FloorMessage } from './messages';

export const floorActivities = {
  async step(n: number): Promise<number> {
    return n;
  },
  /** The agent floor's model turn: the bench's scripted rule over the conversation it is sent, as the harness's model turn is. */
  async floorModel(input: { turn: number; messages: FloorMessage[] }): Promise<FloorMessage> {
    const step = nextStep(input.turn, false);
    return 'call' in step ? { role: 'assistant', call: step.call } : { role: 'assistant', content: step.answer };
  },
  async floorEcho(input: { n: number }): Promise<{ n: number }> {
    return input;
  },
};
export type FloorActivities = typeof floorActivities;
