/**
 * Plays a fixture's operator: each action waits for the stop it acts on (a gate, a pause), then
 * decides through the same client API the CLI uses, approvals pinned to the digest read.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { RunState, RunStatus } from '../shared/run';
import type { HarnessClient } from '../client/api/connect';
import { decide } from '../client/api/decide';
import { readSnapshot, readState } from '../client/api/runs';
import { waitFor } from '../client/api/wait-for';
import type { OperatorAction } from './fixtures';

/** How long one stop may take to come: generous for a loaded machine; a gate's own expiry adds to it. */
const STOP_TIMEOUT_MS = 60_000;

async function stateWhen(h: HarnessClient, run: WorkflowHandle, what: string, ok: (s: RunState) => boolean): Promise<RunState> {
  return waitFor(
    async () => {
      const state = await readState(h, run);
      return ok(state) ? state : null;
    },
    { timeoutMs: STOP_TIMEOUT_MS, what: `run ${run.workflowId} ${what}` },
  );
}

const atGate = (s: RunState) => s.status === 'waiting_approval' && s.pendingAction !== null;

export async function playOperator(h: HarnessClient, run: WorkflowHandle, actions: OperatorAction[], startedBy: string): Promise<void> {
  const id = run.workflowId;
  for (const action of actions) {
    if ('approve' in action) {
      const state = await stateWhen(h, run, 'to wait for approval', atGate);
      const approver = action.approve.as ?? startedBy;
      let edit: string | undefined;
      if (action.approve.edit) {
        const { pendingCall } = await readSnapshot(h, run);
        edit = `${String(pendingCall?.args.markdown ?? '').trimEnd()}\n\n${action.approve.edit.append}\n`;
      }
      await decide(h, id, 'approve', { approver, digest: state.pendingAction!.digest, ...(edit ? { edit } : {}) });
    } else if ('reject' in action) {
      await stateWhen(h, run, 'to wait for approval', atGate);
      await decide(h, id, 'reject', { approver: action.reject.as ?? startedBy, reason: action.reject.reason });
    } else if ('resume' in action || 'abort' in action) {
      const kind = 'resume' in action ? 'resume' : 'abort';
      await stateWhen(h, run, 'to pause on an error', (s) => s.status === 'paused_on_error');
      const operator = ('resume' in action ? action.resume.as : action.abort.as) ?? startedBy;
      await decide(h, id, kind, { operator, ...('abort' in action ? { reason: action.abort.reason } : {}) });
      // Acted on once the pause is over: the next action must not see this same pause.
      await stateWhen(h, run, `to act on ${kind}`, (s) => s.status !== 'paused_on_error');
    } else {
      const gate = (await stateWhen(h, run, 'to wait for approval', atGate)).pendingAction!.gate;
      await stateWhen(
        h,
        run,
        'to let its gate expire',
        (s) => !atGate(s) || s.pendingAction?.gate !== gate || Boolean(s.pendingAction?.escalated),
      );
    }
  }
}

/** Where a run rests once its operator is done: closed, or stopped for someone the fixture does not play. */
export async function settled(h: HarnessClient, run: WorkflowHandle): Promise<RunStatus> {
  return (await stateWhen(h, run, 'to settle', (s) => s.status !== 'running')).status;
}
