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
import { setHandler } from '@temporalio/workflow';
import { z } from 'zod';
import { AgentMessage, conversationQuery, MODEL_TURN, modelFacingTool, ModelSettings, ModelToolCall, ModelTurnOutput } from '../../shared/agent-model';
import { AnyTool, toolCatalog, ToolRegistrationError } from '../../shared/tool-contract';
import { GateRejected } from '../kernel/approval-gate';
import { ToolFailedError } from '../kernel/call-tool';
import { declareOnKernel, DeclaredWorkflow, WorkflowContext } from '../kernel/define-workflow';
import type { RunKernel } from '../kernel/harness-run';
import { PolicyDeniedError } from '../kernel/tool-path';
import { checkModelCall } from './model-tool-call';

export const AgentInput = z.object({ prompt: z.string().trim().min(1).max(100_000) });

export interface AgentLimits {
  /** Model turns before the run stops with `max_turns` (default 20). */
  maxTurns?: number;
  /** Tokens the model may use in the run before it stops with `max_tokens` (default: no limit but the policy's budget). */
  maxTokens?: number;
  /** Workflow time before the run stops with `max_wall_time`, checked before each turn (default: none). */
  maxWallTimeMs?: number;
  /** Tool calls of one turn that run; the rest get an error result (default 8). */
  maxToolCallsPerTurn?: number;
}

export interface AgentDeclaration {
  /** The workflow type: the name it is exported under from the workflows module. */
  name: string;
  description: string;
  /** The system prompt. */
  instructions: string;
  /** The tools the model may ask for; the policy still decides which run, and which need a gate. */
  tools: readonly AnyTool[];
  model?: ModelSettings;
  limits?: AgentLimits;
  /** A rejected call: `tell-model` (default) returns the rejection and its reason as the call's result; `end-run` ends the run `rejected`. */
  onRejection?: 'tell-model' | 'end-run';
}

export type AgentStop = 'answer' | 'max_turns' | 'max_tokens' | 'max_wall_time';

export interface AgentOutput {
  /** The model's last text; null when a limit stopped the run first. */
  answer: string | null;
  stoppedBy: AgentStop;
  turns: number;
  toolCalls: number;
}

type AgentData = { turns: number; toolCalls: number; answer: string | null; stoppedBy: AgentStop | null; provider: string | null };

export type DeclaredAgent = DeclaredWorkflow<typeof AgentInput, AgentOutput, AgentData> & { readonly agent: AgentDeclaration };

export function defineAgent(agent: AgentDeclaration): DeclaredAgent {
  const toolset = toolCatalog(agent.tools);
  if (toolset.has(MODEL_TURN.name))
    throw new ToolRegistrationError(`agent "${agent.name}": ${MODEL_TURN.name} is the harness's own tool, not one an agent may offer its model`);
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
    (input, context, kernel) => new AgentLoop(agent, toolset, context, kernel).run(input.prompt),
  );
  return Object.assign(workflow, { agent });
}

class AgentLoop {
  private readonly messages: AgentMessage[] = [];
  private readonly data: AgentData = { turns: 0, toolCalls: 0, answer: null, stoppedBy: null, provider: null };
  private readonly limits: Required<Omit<AgentLimits, 'maxTokens' | 'maxWallTimeMs'>> & AgentLimits;
  /** The model's calls pause the run when they fail for good (resume calls it again); a tool's failure goes to the model. */
  private readonly modelPath: ReturnType<RunKernel['toolPath']>;

  constructor(
    private readonly agent: AgentDeclaration,
    private readonly toolset: ReturnType<typeof toolCatalog>,
    private readonly context: WorkflowContext<AgentData>,
    private readonly kernel: RunKernel,
  ) {
    this.limits = { maxTurns: 20, maxToolCallsPerTurn: 8, ...agent.limits };
    this.modelPath = kernel.toolPath({
      topic: kernel.run.state.topic,
      budget: context.policy.budget?.maxTotalTokens ?? null,
      pauseOnFailure: true,
    });
    setHandler(conversationQuery, () => ({ instructions: agent.instructions, messages: this.messages }));
  }

  async run(prompt: string): Promise<AgentOutput> {
    const startedAt = Date.now();
    const tools = [...this.toolset.values()].map(modelFacingTool);
    this.messages.push({ role: 'user', content: prompt });
    for (let turn = 1; ; turn++) {
      const stop = this.limitReached(turn, startedAt);
      if (stop) return this.finish(stop, null);
      const reply = await this.modelPath.call(MODEL_TURN, {
        agent: this.agent.name,
        turn,
        instructions: this.agent.instructions,
        messages: this.messages,
        tools,
        settings: this.agent.model ?? {},
      });
      this.record({ turns: turn, provider: reply.provider });
      this.messages.push({ role: 'assistant', content: reply.content, toolCalls: reply.toolCalls });
      this.traceTurn(turn, reply);
      if (reply.toolCalls.length === 0) return this.finish('answer', reply.content ?? '');
      const results = await Promise.all(reply.toolCalls.map((call, index) => this.runCall(call, index)));
      this.messages.push(...results);
    }
  }

  private limitReached(turn: number, startedAt: number): AgentStop | null {
    const { maxTurns, maxTokens, maxWallTimeMs } = this.limits;
    if (turn > maxTurns) return 'max_turns';
    if (maxTokens !== undefined && this.kernel.run.state.usage.totalTokens >= maxTokens) return 'max_tokens';
    if (maxWallTimeMs !== undefined && Date.now() - startedAt >= maxWallTimeMs) return 'max_wall_time';
    return null;
  }

  /** One call the model asked for, as the `tool` message that answers it. */
  private async runCall(call: ModelToolCall, index: number): Promise<AgentMessage> {
    const answer = (content: string, isError: boolean): AgentMessage => ({ role: 'tool', toolCallId: call.id, name: call.name, content, isError });
    const refuse = (error: string) => {
      this.kernel.run.event('tool_call_refused', { tool: call.name.slice(0, 64), message: error, data: { callId: call.id } });
      return answer(error, true);
    };
    if (index >= this.limits.maxToolCallsPerTurn)
      return refuse(`not run: at most ${this.limits.maxToolCallsPerTurn} tool calls are run per turn`);
    const checked = checkModelCall(call, this.toolset);
    if (!checked.ok) return refuse(checked.error);
    this.record({ toolCalls: this.data.toolCalls + 1 });
    try {
      const output = await this.context.call(checked.tool, checked.args);
      return answer(JSON.stringify(output), false);
    } catch (err) {
      // Each of these is already in the trace (policy_denied, approval_rejected or approval_expired, tool_error).
      if (err instanceof PolicyDeniedError) return answer(`refused: ${err.message}`, true);
      if (err instanceof ToolFailedError) return answer(`failed: ${err.message}`, true);
      if (err instanceof GateRejected) {
        if (this.agent.onRejection === 'end-run') throw err;
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
    this.record({ stoppedBy, answer });
    return { answer, stoppedBy, turns: this.data.turns, toolCalls: this.data.toolCalls };
  }

  private record(part: Partial<AgentData>): void {
    Object.assign(this.data, part);
    this.context.record(this.data);
  }
}
