/**
 * `harness approve|reject|resume|abort ID`: an operator decision. Through the run's update, so
 * the run's own checks (approvers, quorum, self-approval, digest, expiry) answer at once; when no
 * worker answers, as a signal pinned to the gate's digest, recorded now and checked later.
 */
import { promises as fs } from 'node:fs';
import type { ApprovePayload } from '../../../shared/run';
import { TOOLS, ToolName } from '../../../shared/tools';
import { decide, DecisionKind, pendingGate } from '../../api/decide';
import { HarnessError } from '../../api/harness-error';
import { withClient } from '../../api/with-client';
import { printJson } from '../format';
import { identity } from '../identity';
import { say } from '../terminal';

export interface DecisionOptions {
  approver?: string;
  operator?: string;
  comment?: string;
  reason?: string;
  edit?: string;
  json?: boolean;
}

/** At the report's gate an edit is markdown; at any other gate, the tool's arguments as JSON. */
async function readEdit(file: string, tool: ToolName): Promise<ApprovePayload['edit']> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new HarnessError(`edit file not found: ${file}`);
  }
  if (tool === 'finalize_report') {
    const checked = TOOLS.finalize_report.input.shape.markdown.safeParse(text);
    if (!checked.success)
      throw new HarnessError(`edited report ${file} does not fit finalize_report's contract: ${checked.error.issues[0].message}`);
    return text;
  }
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch (err) {
    throw new HarnessError(
      `edited arguments ${file} are not valid JSON (the pending ${tool} call takes its arguments as a JSON object): ${(err as Error).message}`,
    );
  }
  if (!args || typeof args !== 'object' || Array.isArray(args))
    throw new HarnessError(`edited arguments ${file} must be a JSON object of ${tool}'s arguments`);
  return args as Record<string, unknown>;
}

export async function decideCommand(kind: DecisionKind, id: string, options: DecisionOptions): Promise<void> {
  await withClient(async (h) => {
    const who = identity(h.env, kind === 'resume' || kind === 'abort' ? options.operator : options.approver);
    let result;
    if (kind === 'approve') {
      const edit = options.edit ? await readEdit(options.edit, (await pendingGate(h, id)).tool) : undefined;
      result = await decide(h, id, 'approve', { approver: who, comment: options.comment, ...(edit !== undefined ? { edit } : {}) });
    } else if (kind === 'reject') result = await decide(h, id, 'reject', { approver: who, reason: options.reason });
    else result = await decide(h, id, kind, { operator: who, reason: options.reason });
    if (options.json)
      printJson({
        workflowId: id,
        decision: kind,
        [kind === 'resume' || kind === 'abort' ? 'operator' : 'approver']: who,
        delivery: result.delivery,
        ...(result.outcome ?? {}),
        message: result.message,
        ...(result.digest ? { digest: result.digest } : {}),
      });
    else
      say(
        `${id}: ${result.message}${result.delivery === 'update' && result.outcome?.digest ? ` (digest ${result.outcome.digest.slice(0, 12)}…)` : ''}\n`,
      );
  });
}
