/** Picks the models the configuration asks for: offline unless an endpoint is configured. */
import type { HarnessEnv } from '../../config/env';
import { ChatModel, offlineChatModel } from './chat-model';
import { createOfflineProvider } from './offline-provider';
import { openAIChatModel } from './openai-chat-model';
import { OpenAIConfig, openAIProvider } from './openai-provider';
import type { ModelProvider } from './provider';

function endpointOf(env: HarnessEnv): OpenAIConfig | null {
  if (env.HARNESS_MODEL_PROVIDER !== 'openai_compatible') return null;
  return {
    baseURL: env.HARNESS_MODEL_BASE_URL!,
    apiKey: env.HARNESS_MODEL_API_KEY!,
    model: env.HARNESS_MODEL_NAME!,
    timeoutMs: env.HARNESS_MODEL_TIMEOUT_MS,
  };
}

/** The research run's planner, drafter and reviewer. */
export function selectProvider(env: HarnessEnv): ModelProvider {
  const endpoint = endpointOf(env);
  return endpoint ? openAIProvider(endpoint) : createOfflineProvider(env.HARNESS_OFFLINE_LATENCY_MS);
}

/** An agent's model. */
export function selectChatModel(env: HarnessEnv): ChatModel {
  const endpoint = endpointOf(env);
  return endpoint ? openAIChatModel(endpoint) : offlineChatModel;
}
