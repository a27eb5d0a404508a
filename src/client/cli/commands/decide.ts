/**
 * `harness approve|reject|resume|abort ID`: an operator decision. Through the run's update, so
 * the run's own checks (approvers, quorum, self-approval, digest, expiry) answer at once; when no
 * worker answers, as a signal pinned to the gate's digest, recorded now and checked later.
 */
import { createInterface } from 'node:readline/promises';
import { FileRefusedError } from '../../../files/file-refused';
import { parseJsonText, readRegularFile } from '../../../files/read-regular-file';
import type { ApprovePayload } from '../../../shared/run';
import { TOOLS } from '../../../shared/tools';
import { keyFingerprint } from '../../../shared/signed-decision';
import { decide, DecisionKind, pendingGate, runStanding } from '../../api/decide';
import { HarnessError } from '../../api/harness-error';
import type { HarnessClient } from '../../api/connect';
import { readState } from '../../api/runs';
import { readSigningKey } from '../../api/signing-keys';
import { withClient } from '../../api/with-client';
import { keepInRunsDir } from '../runs-dir';
import { lastSeenDigest } from '../seen-digests';
import { formatPending, printJson } from '../format';
import { identity } from '../identity';
import { say } from '../terminal';

export interface DecisionOptions {
  approver?: string;
  operator?: string;
  comment?: string;
  reason?: string;
  edit?: string;
  digest?: string;
  key?: string;
  json?: boolean;
  /** The seed's runs folder: once the run stops again, its files are written there. */
  runsDir?: string;
}

/** At the report's gate an edit is markdown; at any other gate, the tool's arguments as JSON. */
async function readEdit(file: string, tool: string): Promise<ApprovePayload['edit']> {
  let text: string;
  try {
    // An edit is at most a report (100,000 characters) or a call's arguments: 1 MB bounds both.
    text = (await readRegularFile(file, { what: 'edit file', maxBytes: 1_000_000 })).text;
  } catch (err) {
    throw err instanceof FileRefusedError ? new HarnessError(err.message) : err;
  }
  if (tool === 'finalize_report') {
    const checked = TOOLS.finalize_report.input.shape.markdown.safeParse(text);
    if (!checked.success)
      throw new HarnessError(`edited report ${file} does not fit finalize_report's contract: ${checked.error.issues[0].message}`);
    return text;
  }
  let args: unknown;
  try {
    args = parseJsonText(text, `edited arguments ${file}`);
  } catch (err) {
    throw new HarnessError(`${(err as Error).message} (the pending ${tool} call takes its arguments as a JSON object)`);
  }
  if (!args || typeof args !== 'object' || Array.isArray(args))
    throw new HarnessError(`edited arguments ${file} must be a JSON object of ${tool}'s arguments`);
  return args as Record<string, unknown>;
}

/**
 * The digest this approver read: named with --digest (a prefix of at least 8 characters, as
 * `pending` prints it), else the one `pending`/`status` last showed them, else — at a terminal —
 * the pending action shown now and confirmed. Never silently the current one: an edit may have
 * replaced what they read.
 */
async function digestReadBy(h: HarnessClient, id: string, pending: { tool: string; digest: string }, named?: string): Promise<string> {
  const reread = `read it again with \`harness pending ${id}\` and approve with --digest`;
  if (named !== undefined) {
    if (!/^[0-9a-f]{8,64}$/.test(named))
      throw new HarnessError('--digest: the pending digest, or at least its first 8 characters (lowercase hex)');
    if (!pending.digest.startsWith(named)) {
      throw new HarnessError(
        `approve refused: the pending ${pending.tool} is now ${pending.digest.slice(0, 12)}…, not the ${named.slice(0, 12)}… you read: ${reread}`,
      );
    }
    return pending.digest;
  }
  const seen = await lastSeenDigest(h.env.TEMPORAL_ADDRESS, h.env.TEMPORAL_NAMESPACE, id);
  if (seen) {
    if (seen !== pending.digest) {
      throw new HarnessError(
        `approve refused: the pending ${pending.tool} changed since you last read it (${seen.slice(0, 12)}… → ${pending.digest.slice(0, 12)}…): ${reread}`,
      );
    }
    return seen;
  }
  if (process.stdin.isTTY && process.stdout.isTTY) {
    const state = await readState(h, h.client.workflow.getHandle(id));
    if (!state.pendingAction) throw new HarnessError(`run ${id} is not waiting for approval (status: ${state.status})`);
    say(`${formatPending(state.pendingAction)}\n`);
    if (await confirm(`Approve ${state.pendingAction.tool} with digest ${state.pendingAction.digest.slice(0, 12)}…? [y/N] `))
      return state.pendingAction.digest;
    throw new HarnessError('not approved', 1);
  }
  throw new HarnessError(
    `approve needs to know what you read: run \`harness pending ${id}\` first, or pass --digest with the digest it shows`,
  );
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

/**
 * The seed harness approves, then resumes. Here an approval continues the run by itself, so a
 * `resume` after it has nothing to do: said plainly, exit 0. A run paused on an error resumes as ever;
 * one still waiting for approval is refused (approve it first).
 */
async function continuedAfterApproval(h: HarnessClient, id: string): Promise<{ status: string; message: string } | null> {
  const standing = await runStanding(h, id);
  if (standing.status === 'paused_on_error' || standing.status === 'waiting_approval') return null;
  const state = await readState(h, standing.run);
  if (state.decision?.outcome !== 'approved') return null;
  return {
    status: state.status,
    message: `already continued after ${state.decision.approver}'s approval (status: ${state.status}): nothing to resume (an approval continues the run; no resume step is needed)`,
  };
}

export async function decideCommand(kind: DecisionKind, id: string, options: DecisionOptions): Promise<void> {
  await withClient(async (h) => {
    const who = identity(h.env, kind === 'resume' || kind === 'abort' ? options.operator : options.approver);
    const keyFile = kind === 'approve' || kind === 'reject' ? (options.key ?? h.env.HARNESS_SIGNING_KEY) : undefined;
    const signWith = keyFile === undefined ? undefined : await readSigningKey(keyFile);
    if (kind === 'resume') {
      const continued = await continuedAfterApproval(h, id);
      if (continued) {
        if (options.json)
          printJson({ workflowId: id, decision: 'resume', delivery: null, status: continued.status, message: continued.message });
        else say(`${id}: ${continued.message}\n`);
        if (options.runsDir !== undefined) await keepInRunsDir(h, h.client.workflow.getHandle(id), options.runsDir);
        return;
      }
    }
    let result;
    if (kind === 'approve') {
      const pending = await pendingGate(h, id);
      const digest = await digestReadBy(h, id, pending, options.digest);
      const edit = options.edit ? await readEdit(options.edit, pending.tool) : undefined;
      const payload = { approver: who, comment: options.comment, digest, ...(edit !== undefined ? { edit } : {}) };
      result = await decide(h, id, 'approve', payload, { signWith });
    } else if (kind === 'reject') result = await decide(h, id, 'reject', { approver: who, reason: options.reason }, { signWith });
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
        ...(signWith ? { signedWith: keyFingerprint(signWith.publicKey) } : {}),
      });
    else
      say(
        `${id}: ${result.message}${result.delivery === 'update' && result.outcome?.digest ? ` (digest ${result.outcome.digest.slice(0, 12)}…)` : ''}\n`,
      );
    if (options.runsDir !== undefined) await keepInRunsDir(h, h.client.workflow.getHandle(id), options.runsDir);
  });
}
