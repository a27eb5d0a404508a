/**
 * The model an agent talks to, one turn at a time: the conversation and the agent's tools in,
 * text and tool calls out. A real endpoint (openai-chat-model.ts), or a scripted model: plain code
 * over the conversation, deterministic, for offline runs, tests and benchmarks.
 */
import type { ModelTurnInput, ModelTurnOutput } from '../../shared/agent-model';
import type { TokenUsage } from '../../shared/tools';

export type ChatTurn = Omit<ModelTurnOutput, 'provider'>;

export interface ChatModel {
  /** Shown in run state: `offline`, `scripted:<name>` or the endpoint's model name. */
  readonly name: string;
  turn(input: ModelTurnInput): Promise<ChatTurn>;
}

/** What a script answers for a turn: text, tool calls (arguments as an object or the raw string a model would write), or both. */
export interface ScriptedTurn {
  content?: string | null;
  toolCalls?: { name: string; arguments?: unknown; id?: string }[];
  /** Default: `tool_calls` when there are calls, else `stop`. */
  finishReason?: string;
  /** Default: about a token per four characters of the conversation and of the answer. */
  usage?: TokenUsage | null;
}

/**
 * A model that is plain code: `script` sees the turn's whole input (the conversation, the tools,
 * the turn number) and answers. Deterministic as long as the script is.
 */
export function scriptedModel(name: string, script: (input: ModelTurnInput) => ScriptedTurn | Promise<ScriptedTurn>): ChatModel {
  return {
    name: `scripted:${name}`,
    async turn(input) {
      const scripted = await script(input);
      const toolCalls = (scripted.toolCalls ?? []).map((call, index) => ({
        id: call.id ?? `call_${input.turn}_${index + 1}`,
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
      }));
      const content = scripted.content ?? null;
      return {
        content,
        toolCalls,
        finishReason: scripted.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
        usage: scripted.usage === undefined ? estimatedUsage(input, content, toolCalls) : scripted.usage,
      };
    },
  };
}

function estimatedUsage(input: ModelTurnInput, content: string | null, calls: unknown[]): TokenUsage {
  const promptTokens = Math.ceil((input.instructions.length + JSON.stringify(input.messages).length) / 4);
  const completionTokens = Math.ceil(((content ?? '').length + JSON.stringify(calls).length) / 4);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

/**
 * The offline default when no endpoint is configured: it calls no tool and says how to give the
 * agent a model, so an agent started on a bare worker ends at once with an answer that explains.
 */
export const offlineChatModel: ChatModel = {
  ...scriptedModel('offline', (input) => ({
    content:
      `No model is configured for agent "${input.agent}" (offline). Set HARNESS_MODEL_PROVIDER=openai_compatible ` +
      'with HARNESS_MODEL_BASE_URL, HARNESS_MODEL_API_KEY and HARNESS_MODEL_NAME, or give the worker a scripted model.',
    usage: null,
  })),
  name: 'offline',
};
