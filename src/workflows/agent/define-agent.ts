/**
 * An agent: a workflow on the run kernel whose model chooses the tools. Each turn the model is
 * called through the one tool path (as the tool `model_turn`); each tool call it asks for is
 * checked (a tool of the agent's set, JSON arguments its schema takes), then takes the same path
 * as a workflow's own call: policy, the gate bound to the exact arguments' digest, the call under
 * the tool's retry policy, the trace. Whatever goes wrong with a call the model asked for goes back
 * to the model as that call's error result; it never fails a workflow task.
 *
 *   export const helpdesk = defineAgent({
 *     name: 'helpdesk', description: 'Answers and files tickets',
 *     instructions: 'Look the ticket up before you file it.', tools: [lookupTicket, fileTicket],
 *   });
 *
 * Calls of one turn run side by side (each gated on its own, one gate open at a time) and their
 * results go back in the order the model asked for them. Its input is `{ prompt }`.
 */
import { allHandlersFinished, condition, makeContinueAsNewFunc, setHandler, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import {
  AgentMessage,
  CarriedSession,
  conversationQuery,
  MODEL_TURN,
  modelFacingTool,
  ModelSettings,
  ModelToolCall,
  ModelTurnOutput,
  SendPayload,
  sendUpdate,
} from '../../shared/agent-model';
import { AnyTool, describeZodError, toolCatalog, ToolRegistrationError } from '../../shared/tool-contract';
import { GateRejected } from '../kernel/approval-gate';
import { ToolFailedError } from '../kernel/call-tool';
import { declareOnKernel, DeclaredWorkflow, HARNESS_INPUT_KEY, WorkflowContext } from '../kernel/define-workflow';
import type { RunKernel } from '../kernel/harness-run';
import { PolicyDeniedError, ToolPath } from '../kernel/tool-path';
import { MCP_SERVER_NAME, mcpServerOf } from '../../shared/mcp-tools';
import { toolPolicy } from '../../shared/policy';
import { McpToolset } from './mcp-toolset';
import { checkModelCall } from './model-tool-call';

export const AgentInput = z.object({
  prompt: z.string().trim().min(1).max(100_000),
  /** Set by the run a session continues from; a new run leaves it out. */
  continued: CarriedSession.optional(),
});

export interface AgentLimits {
  /** Model turns per message before the run stops with `max_turns` (default 20). */
  maxTurns?: number;
  /** Tokens the model may use in the run before it stops with `max_tokens` (default: no limit but the policy's budget). */
  maxTokens?: number;
  /** Workflow time before the run stops with `max_wall_time`, checked before each turn (default: none). */
  maxWallTimeMs?: number;
  /** Tool calls of one turn that run; the rest get an error result (default 8). */
  maxToolCallsPerTurn?: number;
  /**
   * The run continues as new, carrying its conversation, once its history holds this many events
   * (default 5,000) or bytes (default 8 MiB), or the server suggests it; checked between turns.
   */
  historyEvents?: number;
  historyBytes?: number;
}

export interface AgentSession {
  /** How long it waits for the next message before it ends with `idle` (default: until told to end). */
  idleTimeoutMs?: number;
}

export interface AgentDeclaration {
  /** The workflow type: the name it is exported under from the workflows module. */
  name: string;
  description: string;
  /** The system prompt. */
  instructions: string;
  /** The tools the model may ask for; the policy still decides which run, and which need a gate. */
  tools: readonly AnyTool[];
  /**
   * MCP servers (by their name in the worker's configuration) whose tools the model may also ask
   * for, as `mcp__<server>__<tool>`: listed before each turn, read-only ones ungated, the rest gated
   * unless the policy says otherwise.
   */
  mcpServers?: readonly string[];
  model?: ModelSettings;
  limits?: AgentLimits;
  /**
   * A rejected call: `tell-model` (default) returns the rejection and its reason as the call's
   * result; `end-run` ends the run `rejected`. A tool's `onRejection` in the policy overrides it.
   */
  onRejection?: 'tell-model' | 'end-run';
  /** A session answers and waits for the next message (`harness send`) until told to end; absent: it answers once. */
  session?: AgentSession;
}

export type AgentStop = 'answer' | 'ended' | 'idle' | 'max_turns' | 'max_tokens' | 'max_wall_time';

export interface AgentOutput {
  /** The model's last text; null when a limit stopped the run first. */
  answer: string | null;
  stoppedBy: AgentStop;
  turns: number;
  toolCalls: number;
}

type AgentData = {
  turns: number;
  toolCalls: number;
  answer: string | null;
  stoppedBy: AgentStop | null;
  provider: string | null;
  /** A session's runs so far, this one included (it continues as new past its history bound). */
  runs?: number;
};

export type DeclaredAgent = DeclaredWorkflow<typeof AgentInput, AgentOutput, AgentData> & { readonly agent: AgentDeclaration };

export function defineAgent(agent: AgentDeclaration): DeclaredAgent {
  const toolset = toolCatalog(agent.tools);
  if (toolset.has(MODEL_TURN.name))
    throw new ToolRegistrationError(
      `agent "${agent.name}": ${MODEL_TURN.name} is the harness's own tool, not one an agent may offer its model`,
    );
  for (const server of agent.mcpServers ?? [])
    if (!MCP_SERVER_NAME.test(server))
      throw new ToolRegistrationError(
        `agent "${agent.name}": MCP server ${JSON.stringify(server)} is not a server name (lowercase words joined by "_")`,
      );
  for (const name of toolset.keys())
    if (mcpServerOf(name) !== null)
      throw new ToolRegistrationError(`agent "${agent.name}": tool "${name}": names starting with mcp__ are for MCP servers' tools`);
  let conversation: Conversation | undefined;
  const workflow = declareOnKernel<typeof AgentInput, AgentOutput, AgentData>(
    {
      name: agent.name,
      description: agent.description,
      input: AgentInput,
      tools: [MODEL_TURN, ...agent.tools],
      topic: ({ prompt }) => `${agent.name}: ${prompt.split('\n')[0]}`,
      // A tool that fails for good is the model's to react to; a model that fails for good pauses the run (below).
      onToolFailure: 'fail',
    },
    (input, context, kernel) => new AgentLoop(agent, toolset, context, kernel, conversation!).run(input),
    // The conversation and the send door exist from the first task: a message sent at once is kept, not refused.
    () => void (conversation = new Conversation(agent)),
  );
  return Object.assign(workflow, { agent });
}

/** What a run holds from its first task: the conversation, and the messages sent to it not yet taken. */
class Conversation {
  messages: AgentMessage[] = [];
  readonly inbox: { text: string }[] = [];
  ending = false;
  /** Set once the run has its answer and waits for the next message (or ends, when it is not a session). */
  awaitingMessage = false;
  closed = false;

  constructor(private readonly agent: AgentDeclaration) {
    setHandler(conversationQuery, () => ({ instructions: agent.instructions, messages: this.messages }));
    setHandler(sendUpdate, (payload) => this.receive(payload), {
      validator: (payload) => {
        const refusal = this.refusal(payload);
        if (refusal) throw new Error(refusal);
      },
      description: 'A message for the agent session (text), or the end of the session (end: true).',
    });
  }

  /** The messages sent so far, now part of the conversation. */
  takeInbox(): void {
    this.messages.push(...this.inbox.splice(0).map(({ text }): AgentMessage => ({ role: 'user', content: text })));
  }

  /** Messages received before the loop could trace them (its first task is still resolving the policy). */
  private untraced: Record<string, unknown>[] = [];
  private trace: (data: Record<string, unknown>) => void = (data) => void this.untraced.push(data);

  /** From now on each message is traced as it comes; those that came earlier are traced now. */
  traceWith(trace: (data: Record<string, unknown>) => void): void {
    this.trace = trace;
    this.untraced.splice(0).forEach(trace);
  }

  private refusal(payload: unknown): string | null {
    const parsed = SendPayload.safeParse(payload);
    if (!parsed.success) return `invalid message: ${describeZodError(parsed.error)}`;
    if (!this.agent.session) return `${this.agent.name} answers once; it takes no further messages (declare it with session)`;
    if (this.ending || this.closed) return 'the session has ended';
    return null;
  }

  private receive(payload: SendPayload): { queued: number; message: string } {
    const from = payload.from ?? 'unknown';
    if (payload.end) {
      this.ending = true;
      this.trace({ from, end: true });
      return { queued: 0, message: 'the session will end after its current turn' };
    }
    this.inbox.push({ text: payload.text! });
    this.trace({ from, chars: payload.text!.length });
    return { queued: this.inbox.length, message: this.awaitingMessage ? 'the agent is answering' : 'queued for after the current turn' };
  }
}

const HISTORY_EVENTS = 5_000;
const HISTORY_BYTES = 8 * 1024 * 1024;

class AgentLoop {
  private readonly data: AgentData = { turns: 0, toolCalls: 0, answer: null, stoppedBy: null, provider: null };
  private readonly limits: Required<Pick<AgentLimits, 'maxTurns' | 'maxToolCallsPerTurn' | 'historyEvents' | 'historyBytes'>> & AgentLimits;
  /** The model's calls pause the run when they fail for good (resume calls it again); a tool's failure goes to the model. */
  private readonly modelPath: ToolPath;
  /** The tools the model may ask for now: the agent's own and its MCP servers' latest listing. */
  private readonly tools: Map<string, AnyTool>;
  private readonly toolPath: ToolPath;
  private readonly mcp: McpToolset | null;
  private exchangeTurns = 0;

  constructor(
    private readonly agent: AgentDeclaration,
    toolset: ReturnType<typeof toolCatalog>,
    private readonly context: WorkflowContext<AgentData>,
    private readonly kernel: RunKernel,
    private readonly session: Conversation,
  ) {
    this.limits = { maxTurns: 20, maxToolCallsPerTurn: 8, historyEvents: HISTORY_EVENTS, historyBytes: HISTORY_BYTES, ...agent.limits };
    this.modelPath = kernel.toolPath({
      topic: kernel.run.state.topic,
      budget: context.policy.budget?.maxTotalTokens ?? null,
      pauseOnFailure: true,
    });
    this.tools = new Map(toolset);
    this.toolPath = kernel.toolPath({
      topic: kernel.run.state.topic,
      budget: context.policy.budget?.maxTotalTokens ?? null,
      pauseOnFailure: false,
      tools: this.tools,
    });
    this.mcp = agent.mcpServers?.length ? new McpToolset(agent.mcpServers, kernel.run, this.tools) : null;
    session.traceWith((data) => kernel.run.event('message_received', { data }));
  }

  private get messages(): AgentMessage[] {
    return this.session.messages;
  }

  async run(input: z.output<typeof AgentInput>): Promise<AgentOutput> {
    const startedAt = Date.now();
    const modelFacing = () => [...this.tools.values()].map(modelFacingTool);
    let tools = modelFacing();
    if (input.continued) this.restore(input.continued);
    else this.messages.push({ role: 'user', content: input.prompt });
    for (;;) {
      if (this.session.awaitingMessage) {
        if (!this.agent.session) return this.finish('answer', this.data.answer);
        if (this.continueAsNewDue()) await this.continueAsNew(input.prompt);
        const next = await this.nextMessage();
        if (next !== 'message') return this.finish(next, this.data.answer);
      }
      const stop = this.limitReached(startedAt);
      if (stop) return this.finish(stop, null);
      if (this.continueAsNewDue()) await this.continueAsNew(input.prompt);
      if (this.mcp && (await this.mcp.refresh())) tools = modelFacing();
      const turn = this.data.turns + 1;
      const reply = await this.modelPath.call(MODEL_TURN, {
        agent: this.agent.name,
        turn,
        instructions: this.agent.instructions,
        messages: this.messages,
        tools,
        settings: this.agent.model ?? {},
      });
      this.exchangeTurns++;
      this.record({ turns: turn, provider: reply.provider });
      this.messages.push({ role: 'assistant', content: reply.content, toolCalls: reply.toolCalls });
      this.traceTurn(turn, reply);
      if (reply.toolCalls.length === 0) {
        this.record({ answer: reply.content ?? '' });
        this.session.awaitingMessage = true;
        continue;
      }
      const results = await Promise.all(reply.toolCalls.map((call, index) => this.runCall(call, index)));
      this.messages.push(...results);
    }
  }

  private limitReached(startedAt: number): AgentStop | null {
    const { maxTurns, maxTokens, maxWallTimeMs } = this.limits;
    if (this.exchangeTurns >= maxTurns) return 'max_turns';
    if (maxTokens !== undefined && this.kernel.run.state.usage.totalTokens >= maxTokens) return 'max_tokens';
    if (maxWallTimeMs !== undefined && Date.now() - startedAt >= maxWallTimeMs) return 'max_wall_time';
    return null;
  }

  /** A session between messages: the next one (taken into the conversation), the end, or idle. */
  private async nextMessage(): Promise<'message' | 'ended' | 'idle'> {
    const { run } = this.kernel;
    run.state.currentStep = 'waiting_for_message';
    const { session } = this;
    const ready = () => session.inbox.length > 0 || session.ending;
    const idle = this.agent.session?.idleTimeoutMs;
    const arrived =
      idle === undefined ? (await condition(ready), true) : await condition(ready, idle, { summary: `${this.agent.name}: idle timeout` });
    run.state.currentStep = null;
    if (!arrived) return 'idle';
    if (session.inbox.length === 0) return 'ended';
    session.takeInbox();
    this.session.awaitingMessage = false;
    this.exchangeTurns = 0;
    return 'message';
  }

  /** Past the history bound (or told so by the server), unless the session is ending. */
  private continueAsNewDue(): boolean {
    if (this.session.ending) return false;
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= this.limits.historyEvents || info.historySize >= this.limits.historyBytes;
  }

  /**
   * Between turns and with no gate open (every call of a turn has ended), the run continues as
   * new under the same workflow id, carrying the conversation and its counts.
   */
  private async continueAsNew(prompt: string): Promise<void> {
    const info = workflowInfo();
    this.kernel.run.closing = true;
    await condition(allHandlersFinished);
    if (this.session.inbox.length > 0) {
      // Messages sent while the run drained its handlers go with it, as the conversation's next.
      this.session.takeInbox();
      this.session.awaitingMessage = false;
      this.exchangeTurns = 0;
    }
    const { state } = this.kernel.run;
    const runs = (this.data.runs ?? 1) + 1;
    const carried: CarriedSession = {
      messages: this.messages,
      answer: this.data.answer,
      awaitingMessage: this.session.awaitingMessage,
      turns: this.data.turns,
      exchangeTurns: this.exchangeTurns,
      toolCalls: this.data.toolCalls,
      usage: {
        promptTokens: state.usage.promptTokens,
        completionTokens: state.usage.completionTokens,
        totalTokens: state.usage.totalTokens,
      },
      runs: this.data.runs ?? 1,
      calls: this.kernel.ledger.carried(),
    };
    this.kernel.run.event('continued_as_new', { data: { run: runs, historyEvents: info.historyLength, historyBytes: info.historySize } });
    // Search attributes (HarnessStatus) and memo (topic, summary) go along: lists and the inbox keep finding the session.
    const next = makeContinueAsNewFunc<(input: unknown) => Promise<unknown>>({
      typedSearchAttributes: info.typedSearchAttributes,
      memo: info.memo,
    });
    await next({
      prompt,
      continued: carried,
      [HARNESS_INPUT_KEY]: {
        policy: this.context.policy,
        ...(state.policy.digest ? { policyDigest: state.policy.digest } : {}),
        ...(state.startedBy ? { startedBy: state.startedBy } : {}),
      },
    });
  }

  private restore(carried: CarriedSession): void {
    this.session.messages = carried.messages;
    this.session.awaitingMessage = carried.awaitingMessage;
    this.exchangeTurns = carried.exchangeTurns;
    const { usage } = this.kernel.run.state;
    usage.promptTokens = carried.usage.promptTokens;
    usage.completionTokens = carried.usage.completionTokens;
    usage.totalTokens = carried.usage.totalTokens;
    if (carried.calls) this.kernel.ledger.restore(carried.calls);
    this.record({ turns: carried.turns, toolCalls: carried.toolCalls, answer: carried.answer, runs: carried.runs + 1 });
  }

  /** One call the model asked for, as the `tool` message that answers it. */
  private async runCall(call: ModelToolCall, index: number): Promise<AgentMessage> {
    const answer = (content: string, isError: boolean): AgentMessage => ({
      role: 'tool',
      toolCallId: call.id,
      name: call.name,
      content,
      isError,
    });
    const refuse = (error: string) => {
      this.kernel.run.event('tool_call_refused', { tool: call.name.slice(0, 64), message: error, data: { callId: call.id } });
      return answer(error, true);
    };
    if (index >= this.limits.maxToolCallsPerTurn)
      return refuse(`not run: at most ${this.limits.maxToolCallsPerTurn} tool calls are run per turn`);
    const checked = checkModelCall(call, this.tools);
    if (!checked.ok) return refuse((!this.tools.has(call.name) && this.mcp?.unavailable(call.name)) || checked.error);
    this.record({ toolCalls: this.data.toolCalls + 1 });
    try {
      const output = await this.toolPath.call(checked.tool, checked.args);
      return answer(JSON.stringify(output), false);
    } catch (err) {
      // Each of these is already in the trace (policy_denied, approval_rejected or approval_expired, tool_error).
      if (err instanceof PolicyDeniedError) return answer(`refused: ${err.message}`, true);
      if (err instanceof ToolFailedError) return answer(`failed: ${err.message}`, true);
      if (err instanceof GateRejected) {
        const onRejection = toolPolicy(this.context.policy, checked.tool).onRejection ?? this.agent.onRejection;
        if (onRejection === 'end-run') throw err;
        if (this.kernel.run.state.status === 'waiting_approval' && this.kernel.run.state.pendingAction === null)
          this.kernel.run.setStatus('running');
        const { approver, reason } = err.decision;
        return answer(`rejected by ${approver}${reason ? `: ${reason}` : ''}; the call did not run`, true);
      }
      throw err;
    }
  }

  private traceTurn(turn: number, reply: ModelTurnOutput): void {
    this.kernel.run.event('model_turn', {
      data: {
        turn,
        finishReason: reply.finishReason,
        toolCalls: reply.toolCalls.map((call) => call.name.slice(0, 64)),
        ...(reply.content ? { text: reply.content.slice(0, 200) } : {}),
      },
    });
  }

  private finish(stoppedBy: AgentStop, answer: string | null): AgentOutput {
    this.session.closed = true;
    this.record({ stoppedBy, answer });
    return { answer, stoppedBy, turns: this.data.turns, toolCalls: this.data.toolCalls };
  }

  private record(part: Partial<AgentData>): void {
    Object.assign(this.data, part);
    this.context.record(this.data);
  }
}
