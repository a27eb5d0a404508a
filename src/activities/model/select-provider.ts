/** Picks the model provider the configuration asks for: offline unless an endpoint is configured. */
import type { HarnessEnv } from '../../config/env';
import { createOfflineProvider } from './offline-provider';
import { openAIProvider } from './openai-provider';
import type { ModelProvider } from './provider';

export function selectProvider(env: HarnessEnv): ModelProvider {
  if (env.HARNESS_MODEL_PROVIDER !== 'openai_compatible') return createOfflineProvider(env.HARNESS_OFFLINE_LATENCY_MS);
  return openAIProvider({
    baseURL: env.HARNESS_MODEL_BASE_URL!,
    apiKey: env.HARNESS_MODEL_API_KEY!,
    model: env.HARNESS_MODEL_NAME!,
    timeoutMs: env.HARNESS_MODEL_TIMEOUT_MS,
  });
}
