/** `harness send ID "text"`: a message for a running agent session, then its answer; `--end` ends the session. */
import { awaitReply, sendMessage } from '../../api/agent-session';
import { withClient } from '../../api/with-client';
import { HarnessError } from '../../api/harness-error';
import { printJson } from '../format';
import { identity } from '../identity';
import { say } from '../terminal';

export interface SendOptions {
  end?: boolean;
  from?: string;
  wait?: boolean;
  timeout?: string;
  json?: boolean;
}

export async function sendCommand(id: string, text: string | undefined, options: SendOptions): Promise<void> {
  if ((text === undefined || text.trim() === '') === !options.end) throw new HarnessError('give the message text, or --end, not both');
  const timeoutMs = Number(options.timeout ?? 300) * 1000;
  if (!(timeoutMs > 0)) throw new HarnessError(`--timeout must be a positive number of seconds, not ${JSON.stringify(options.timeout)}`);
  await withClient(async (h) => {
    const from = identity(h.env, options.from);
    const sent = await sendMessage(h, id, options.end ? { end: true, from } : { text: text!, from });
    if (options.end || options.wait === false) {
      if (options.json) printJson({ workflowId: id, ...sent });
      else say(`${id}: ${sent.message}\n`);
      return;
    }
    const reply = await awaitReply(h, id, text!, sent.messagesBefore, timeoutMs);
    if (options.json) return printJson({ workflowId: id, ...reply });
    if (reply.kind === 'answer') say(`${reply.text}\n`);
    else if (reply.kind === 'waiting_approval')
      say(`${id}: waiting for approval of ${reply.state.pendingAction?.tool}: harness pending ${id}\n`);
    else say(`${id}: the run ended (${reply.state.status}) before it answered\n`);
  });
}
