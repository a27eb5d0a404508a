/**
 * Talking to a running agent session: a message (or the end) through its `send` update, then the
 * agent's answer read from its conversation. The workflow id names the whole session: a session
 * that continued as new is reached through the same id.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { AgentConversation, conversationQuery, SendOutcome, SendPayload, sendUpdate } from '../../shared/agent-model';
import type { RunState } from '../../shared/run';
import { stateQuery } from '../../shared/messages';
import type { HarnessClient } from './connect';
import { HarnessError } from './harness-error';
import { checkRunId } from './runs';
import { waitFor } from './wait-for';

export interface SentMessage extends SendOutcome {
  /** How many messages the conversation held when this one was accepted. */
  messagesBefore: number;
}

export async function sendMessage(h: HarnessClient, id: string, payload: SendPayload): Promise<SentMessage> {
  const run = h.client.workflow.getHandle(checkRunId(id));
  try {
    const before = await run.query(conversationQuery);
    const outcome = await run.executeUpdate(sendUpdate, { args: [payload] });
    return { ...outcome, messagesBefore: before.messages.length };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new HarnessError(`no run with id ${id}`);
    if (err instanceof WorkflowUpdateFailedError)
      throw new HarnessError(`run ${id} refused the message: ${err.cause?.message ?? err.message}`);
    if (err instanceof Error && /QueryNotRegistered|did not register a handler for conversation/i.test(err.message))
      throw new HarnessError(`run ${id} is not an agent: it has no conversation`);
    throw err;
  }
}

export type AgentReply =
  { kind: 'answer'; text: string } | { kind: 'waiting_approval'; state: RunState } | { kind: 'ended'; state: RunState };

/** The agent's answer to `text` (sent when the conversation held `messagesBefore` messages), or why there is none yet (a gate, the end). */
export async function awaitReply(
  h: HarnessClient,
  id: string,
  text: string,
  messagesBefore: number,
  timeoutMs: number,
): Promise<AgentReply> {
  const run = h.client.workflow.getHandle(checkRunId(id));
  const answerIn = (conversation: AgentConversation): string | null => {
    // The message joins the conversation at the agent's next turn, after whatever the current turn adds.
    const asked = conversation.messages.findIndex((m, i) => i >= messagesBefore && m.role === 'user' && m.content === text.trim());
    if (asked < 0) return null;
    const answer = conversation.messages.slice(asked + 1).find((m) => m.role === 'assistant' && m.toolCalls.length === 0);
    return answer && answer.role === 'assistant' ? (answer.content ?? '') : null;
  };
  return waitFor<AgentReply>(
    async () => {
      const state = await run.query(stateQuery);
      const text = answerIn(await run.query(conversationQuery));
      if (text !== null) return { kind: 'answer', text };
      if (state.status === 'waiting_approval') return { kind: 'waiting_approval', state };
      if (state.status !== 'running' && state.status !== 'paused_on_error') return { kind: 'ended', state };
      return null;
    },
    { timeoutMs, what: `run ${id} to answer` },
  );
}
