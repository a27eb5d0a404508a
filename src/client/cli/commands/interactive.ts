/**
 * `harness interactive`: the seed's interactive run, on Temporal. Starts a run (a worker must be
 * running, as for `start`), follows it live, shows everything waiting at each gate and asks. Yes
 * approves, pinned to the digest shown, and follows on; no leaves the run waiting at its gate, as
 * the seed does, and says how to decide later. Ends with the report's path once written.
 */
import { createInterface } from 'node:readline';
import type { PendingCall } from '../../../shared/run-snapshot';
import { decide } from '../../api/decide';
import { readSnapshot } from '../../api/runs';
import type { WorkflowHandle } from '@temporalio/client';
import type { HarnessClient } from '../../api/connect';
import { withClient } from '../../api/with-client';
import { keepInRunsDir } from '../runs-dir';
import { EXIT_CODES } from '../exit-codes';
import { identity } from '../identity';
import { say } from '../terminal';
import { watchRun } from '../watch-view';
import { prepareStart, StartOptions } from './start';

type InteractiveOptions = Pick<StartOptions, 'topic' | 'sources' | 'policy' | 'as' | 'id' | 'multiAgent' | 'runsDir'>;

/** One y/N question; an input that ends (no terminal, ctrl-D) is a no. */
function ask(question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    let answered = false;
    prompt.on('close', () => answered || resolve(false));
    prompt.question(question, (answer) => {
      answered = true;
      // A terminal echoes the answer and its newline; piped input does not.
      if (!process.stdin.isTTY) process.stdout.write('\n');
      prompt.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
  });
}

function showPending(call: PendingCall): void {
  const rule = '='.repeat(60);
  const body = call.tool === 'finalize_report' ? String(call.args.markdown) : JSON.stringify(call.args, null, 2);
  say(
    `\n${call.tool} waits for approval (digest ${call.digest}); ${call.tool === 'finalize_report' ? 'the whole report it would write' : 'its whole arguments'}:\n`,
  );
  say(`${rule}\n${body.endsWith('\n') ? body : `${body}\n`}${rule}\n`);
}

export async function interactiveCommand(options: InteractiveOptions): Promise<void> {
  const start = await prepareStart(options);
  await withClient(async (h) => {
    const { run } = await start(h);
    await converse(h, run, identity(h.env, options.as));
    if (options.runsDir !== undefined) await keepInRunsDir(h, run, options.runsDir, { followed: true });
  });
}

/** Follows the run, shows each gate and asks, until the run ends or the operator leaves it at a gate. */
async function converse(h: HarnessClient, run: WorkflowHandle, approver: string): Promise<void> {
  say(`run ${run.workflowId} started; following it live\n`);
  for (;;) {
    const code = await watchRun(h, run);
    if (code !== EXIT_CODES.waiting_approval) {
      process.exitCode = code;
      return;
    }
    const { pendingCall, state } = await readSnapshot(h, run);
    if (!pendingCall) continue;
    showPending(pendingCall);
    const question = pendingCall.tool === 'finalize_report' ? 'Approve writing this report?' : `Approve this ${pendingCall.tool} call?`;
    if (!(await ask(`${question} [y/N] `))) {
      say(
        `left waiting at its gate; nothing was written. Later:\n  harness approve ${run.workflowId} --digest ${pendingCall.digest.slice(0, 12)}\n  harness reject ${run.workflowId} --reason "…"\n`,
      );
      process.exitCode = EXIT_CODES.waiting_approval;
      return;
    }
    const { outcome } = await decide(h, run.workflowId, 'approve', { approver, digest: pendingCall.digest });
    if (outcome?.stillNeeded) {
      const who = state.pendingAction?.eligibleApprovers?.join(', ') ?? 'other approvers';
      say(`approval recorded; ${outcome.stillNeeded} more needed from ${who}: harness approve ${run.workflowId} --approver NAME\n`);
      process.exitCode = EXIT_CODES.waiting_approval;
      return;
    }
  }
}
