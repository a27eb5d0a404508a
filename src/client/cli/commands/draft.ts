/**
 * `harness draft ID` (or `pending --full`): everything waiting for approval, not its first lines: at
 * the report gate the whole report as it would be written; at any other gate the tool's whole
 * arguments. An approver reads all of what they approve.
 */
import { printJson } from '../format';
import { RunRef, snapshotOf } from '../read-run';
import { rememberShownDigest } from '../seen-digests';
import { say, warn } from '../terminal';

export async function draftCommand(ref: RunRef, options: { json?: boolean }): Promise<void> {
  const { snapshot, live } = await snapshotOf(ref);
  const { state, pendingCall, draft } = snapshot;
  if (live) await rememberShownDigest(state);
  const markdown = pendingCall?.tool === 'finalize_report' ? String(pendingCall.args.markdown) : null;
  if (options.json) {
    printJson({ runId: state.runId, status: state.status, pending: pendingCall, draft });
    return;
  }
  if (pendingCall) {
    // The header goes to stderr: stdout is exactly what would be written (or run), ready to pipe or diff.
    warn(
      `${pendingCall.tool} waits for approval (digest ${pendingCall.digest}); ${markdown !== null ? 'the report it would write' : 'its arguments'}:\n`,
    );
    say(markdown !== null ? ensureNewline(markdown) : `${JSON.stringify(pendingCall.args, null, 2)}\n`);
  } else if (draft) {
    warn(`nothing waits for approval (status: ${state.status}); the run's draft (sha256 ${draft.sha256}):\n`);
    say(ensureNewline(draft.markdown));
  } else warn(`nothing waits for approval and no draft yet (status: ${state.status})\n`);
}

const ensureNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
