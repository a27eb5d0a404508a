/**
 * An agent's turn against any OpenAI-compatible Chat Completions endpoint, through the `openai`
 * package: the agent's tools as `tools`, its tool choice as `tool_choice`. The model's answer is
 * passed on as it came (a call's arguments stay the string the model wrote); the workflow decides
 * what of it to believe. Retries, Retry-After and timeouts stay the harness's (classifyModelError).
 */
import OpenAI from 'openai';
import type { AgentMessage, ModelTurnInput } from '../../shared/agent-model';
import type { ChatModel } from './chat-model';
import { classifyModelError, OpenAIConfig, usageOf } from './openai-provider';

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

function messageOf(message: AgentMessage): ChatMessage {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls.length
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: call.arguments },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

export function openAIChatModel(config: OpenAIConfig): ChatModel {
  // The harness owns retries (the model_turn tool's policy), so the client's own are off.
  const client = new OpenAI({ baseURL: config.baseURL, apiKey: config.apiKey, maxRetries: 0, timeout: config.timeoutMs });
  return {
    name: config.model,
    async turn(input: ModelTurnInput) {
      const { settings } = input;
      let response: OpenAI.Chat.Completions.ChatCompletion;
      try {
        response = await client.chat.completions.create({
          model: settings.model ?? config.model,
          messages: [{ role: 'system', content: input.instructions }, ...input.messages.map(messageOf)],
          ...(input.tools.length
            ? {
                tools: input.tools.map((tool) => ({
                  type: 'function' as const,
                  function: { name: tool.name, description: tool.description, parameters: tool.parameters },
                })),
                tool_choice: settings.toolChoice ?? 'auto',
              }
            : {}),
          ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
          ...(settings.maxOutputTokens !== undefined ? { max_completion_tokens: settings.maxOutputTokens } : {}),
        });
      } catch (err) {
        throw classifyModelError(err, config.apiKey);
      }
      const choice = response.choices[0];
      const calls = (choice?.message?.tool_calls ?? []).flatMap((call) =>
        // Only function calls are asked for; anything else a model sends is not a call of ours.
        call.type === 'function' ? [{ id: call.id, name: call.function.name.slice(0, 256), arguments: call.function.arguments ?? '' }] : [],
      );
      return {
        content: choice?.message?.content ?? null,
        toolCalls: calls.slice(0, 64),
        finishReason: choice?.finish_reason ?? 'stop',
        usage: usageOf(response),
      };
    },
  };
}
