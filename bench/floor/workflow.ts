/**
 * The Temporal floor: a bare workflow of the research run's shape and nothing else — five
 * trivial steps, a gate an update waits for, an approval, a sixth step — in the same execution
 * mode as the harness run it is measured beside. Whatever the harness costs above this is ours.
 */
import { condition, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { FloorActivities } from './activities';
import { FloorAgentResult, floorApprove, floorAwaitGate, FloorMessage, FloorMode, FloorRunResult } from './messages';

const options = { startToCloseTimeout: 10_000, retry: { maximumAttempts: 3 } };
const remote = proxyActivities<FloorActivities>(options);
const local = proxyLocalActivities<FloorActivities>(options);

export async function floorRun(mode: FloorMode): Promise<FloorRunResult> {
  let atGate = false;
  let approved = false;
  setHandler(floorAwaitGate, async () => {
    await condition(() => atGate);
    return { atGate };
  });
  setHandler(floorApprove, () => void (approved = true), {
    validator: () => {
      if (!atGate) throw new Error('not at the gate');
    },
  });
  const stepMs: number[] = [];
  const timed = async (call: () => Promise<unknown>) => {
    const t = Date.now();
    await call();
    stepMs.push(Date.now() - t);
  };
  const steps = mode === 'remote' ? remote : local;
  for (let i = 0; i < 5; i++) await timed(() => steps.step(i));
  atGate = true;
  await condition(() => approved);
  await timed(() => (mode === 'local' ? local : remote).step(5));
  return { stepMs };
}

/**
 * The agent floor: a bare Temporal agent loop of the harness agent's shape — per turn a model
 * activity sent the whole conversation, then the tool activity it asked for — and nothing else
 * (no policy, gate, trace, limits or checks).
 */
export async function floorAgent(prompt: string): Promise<FloorAgentResult> {
  const messages: FloorMessage[] = [{ role: 'user', content: prompt }];
  for (let turn = 1; ; turn++) {
    const reply = await remote.floorModel({ turn, messages });
    messages.push(reply);
    if (reply.role !== 'assistant' || !reply.call) return { answer: reply.content ?? '', turns: turn };
    messages.push({ role: 'tool', content: JSON.stringify(await remote.floorEcho(reply.call)) });
  }
}
