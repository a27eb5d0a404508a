/** The floor workflow's updates and types, shared by the workflow and the bench client. */
import { defineUpdate } from '@temporalio/workflow';

/** remote: every step an activity; local-steps: five local, the sixth (the write) remote; local: all six local. */
export type FloorMode = 'remote' | 'local-steps' | 'local';

export const floorAwaitGate = defineUpdate<{ atGate: boolean }>('awaitGate');
export const floorApprove = defineUpdate<void>('approve');

export interface FloorRunResult {
  /** Per step, on the workflow clock (as the harness measures its steps). */
  stepMs: number[];
}

/** The agent floor's conversation: what a bare agent workflow carries from turn to turn. */
export type FloorMessage =
  { role: 'user'; content: string } | { role: 'assistant'; call?: { n: number }; content?: string } | { role: 'tool'; content: string };

export interface FloorAgentResult {
  answer: string;
  turns: number;
}
