/**
 * `harness approve` / `harness reject`: a decision through the run's update, so the run's own
 * checks (approvers, quorum, self-approval, digest, expiry) answer the caller directly.
 */
import { promises as fs } from 'node:fs';
import { approveUpdate, rejectUpdate } from '../../../shared/messages';
import { TOOLS } from '../../../shared/tools';
import { HarnessError } from '../../api/harness-error';
import { printJson } from '../format';
import { identity } from '../identity';
import { existingRun, readPending, sendUpdate } from '../../api/runs';
import { withClient } from '../../api/with-client';

export interface DecisionOptions {
  approver?: string;
  comment?: string;
  reason?: string;
  edit?: string;
  json?: boolean;
}

async function readEdit(file: string): Promise<string> {
  let markdown: string;
  try {
    markdown = await fs.readFile(file, 'utf8');
  } catch {
    throw new HarnessError(`edited report not found: ${file}`);
  }
  const checked = TOOLS.finalize_report.input.shape.markdown.safeParse(markdown);
  if (!checked.success)
    throw new HarnessError(`edited report ${file} does not fit finalize_report's contract: ${checked.error.issues[0].message}`);
  return markdown;
}

export async function decideCommand(kind: 'approve' | 'reject', id: string, options: DecisionOptions): Promise<void> {
  const edit = options.edit ? await readEdit(options.edit) : undefined;
  await withClient(async (h) => {
    const run = await existingRun(h, id);
    const approver = identity(h.env, options.approver);
    // The digest pins the decision to the draft the operator saw; the run refuses a stale one.
    const pending = await readPending(h, run);
    const outcome =
      kind === 'approve'
        ? await sendUpdate(h, run, approveUpdate, {
            approver,
            comment: options.comment,
            digest: pending?.digest,
            ...(edit ? { edit } : {}),
          })
        : await sendUpdate(h, run, rejectUpdate, { approver, reason: options.reason });
    if (options.json) printJson({ workflowId: id, decision: kind, approver, ...outcome });
    else process.stdout.write(`${id}: ${outcome.message}${outcome.digest ? ` (digest ${outcome.digest.slice(0, 12)}…)` : ''}\n`);
  });
}
