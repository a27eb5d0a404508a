/** `harness approve` / `harness reject`: a decision on the pending action, checked before it is sent. */
import { CliError } from '../cli-error';
import { printJson } from '../format';
import { existingRun, requirePending, sendDecision } from '../runs';
import { withClient } from '../with-client';

export interface DecisionOptions {
  approver?: string;
  comment?: string;
  reason?: string;
  json?: boolean;
}

export async function decideCommand(kind: 'approve' | 'reject', id: string, options: DecisionOptions): Promise<void> {
  await withClient(async (h) => {
    const run = await existingRun(h, id);
    const pending = await requirePending(h, run);
    const approver = options.approver ?? process.env.USER ?? 'cli';
    const outcome =
      kind === 'approve'
        ? // The digest read from `pending` pins the approval to the draft the operator saw.
          await sendDecision(h, run, { kind, payload: { approver, comment: options.comment, digest: pending.digest } })
        : await sendDecision(h, run, { kind, payload: { approver, reason: options.reason } });
    if (outcome.accepted === false) throw new CliError(`${kind} refused by run ${id}: ${outcome.reason}`);
    if (options.json) printJson({ workflowId: id, decision: kind, digest: pending.digest, ...outcome });
    else if (outcome.accepted)
      process.stdout.write(
        `${kind === 'approve' ? 'approved' : 'rejected'} ${id} (digest ${pending.digest.slice(0, 12)}…); status: ${outcome.status}\n`,
      );
    else process.stdout.write(`${kind} sent to ${id}; the run has not applied it yet (is a worker running?)\n`);
  });
}
