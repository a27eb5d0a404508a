/**
 * Follows a run: yields its state each time it is read, until the run stops moving on its own
 * (an approval gate, a pause, the end). While no worker answers it reports that once and keeps
 * following, as `temporal workflow … --follow` does.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { RunState } from '../../shared/run';
import type { HarnessClient } from './connect';
import { readState } from './runs';

export type FollowUpdate = { kind: 'state'; state: RunState } | { kind: 'unanswered'; message: string };

const POLL_MS = 250;

export async function* followRun(h: HarnessClient, run: WorkflowHandle, pollMs = POLL_MS): AsyncGenerator<FollowUpdate> {
  let toldUnanswered = false;
  for (;;) {
    const state = await readState(h, run).catch((err: Error) => {
      if (toldUnanswered) return null;
      toldUnanswered = true;
      return err;
    });
    if (state instanceof Error) yield { kind: 'unanswered', message: state.message };
    else if (state) {
      toldUnanswered = false;
      yield { kind: 'state', state };
      if (state.status !== 'running') return;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
