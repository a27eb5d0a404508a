/**
 * Provider for any OpenAI-compatible chat-completions endpoint, through the `openai` package.
 * The model owns no operational guarantee: retries, timeouts and validation stay the harness's.
 */
import { ApplicationFailure } from '@temporalio/activity';
import OpenAI from 'openai';
import { z } from 'zod';
import { TokenUsage } from '../../shared/tools';
import { NON_RETRYABLE } from '../../shared/tool-contract';
import { factBullets, HARNESS_NOTES, KEY_FINDINGS, structuralProblems, titleLine } from '../report-format';
import type { ModelAnswer, ModelProvider } from './provider';

export interface OpenAIConfig {
  baseURL: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
}

const ReviewAnswer = z.object({ passed: z.boolean(), findings: z.array(z.string()) });

/** What to fix, per status the endpoint answers with when the request itself is wrong. */
const REJECTIONS: Record<number, string> = {
  400: 'the endpoint rejected the request as malformed: check HARNESS_MODEL_NAME and that the endpoint speaks chat completions',
  401: 'the endpoint rejected the API key: check HARNESS_MODEL_API_KEY (or OPENAI_API_KEY)',
  403: 'the API key may not use this model or endpoint: check its permissions',
  404: 'unknown model or wrong URL: check HARNESS_MODEL_NAME and HARNESS_MODEL_BASE_URL (it usually ends in /v1)',
  422: 'the endpoint could not process the request: check HARNESS_MODEL_NAME',
};

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Turns any failure of a model call into a typed, key-free ApplicationFailure. */
export function classifyModelError(err: unknown, secret: string): ApplicationFailure {
  const redact = (text: string) => (secret ? text.split(secret).join('***') : text);
  if (err instanceof OpenAI.APIError && err.status && REJECTIONS[err.status]) {
    return ApplicationFailure.nonRetryable(`${REJECTIONS[err.status]} (HTTP ${err.status})`, NON_RETRYABLE.modelRejected);
  }
  if (err instanceof OpenAI.APIError && err.status) {
    const header = typeof err.headers?.get === 'function' ? err.headers.get('retry-after') : undefined;
    const delay = retryAfterMs(header);
    return ApplicationFailure.create({
      message: redact(`model endpoint answered HTTP ${err.status}${err.status === 429 ? ' (rate limited)' : ''}`),
      type: err.status === 429 ? 'ModelRateLimited' : 'ModelUnavailable',
      nonRetryable: false,
      // The SDK does not decode nextRetryDelay for workflow code, so the hint also travels in details.
      ...(delay !== undefined ? { nextRetryDelay: delay, details: [{ retryAfterMs: delay }] } : {}),
    });
  }
  const kind = err instanceof OpenAI.APIConnectionTimeoutError ? 'timed out' : 'could not connect';
  return ApplicationFailure.create({
    message: redact(`model endpoint ${kind}: ${(err as Error).message}`),
    type: 'ModelUnavailable',
    nonRetryable: false,
  });
}

export function usageOf(response: OpenAI.Chat.Completions.ChatCompletion): TokenUsage | null {
  const usage = response.usage;
  if (!usage) return null;
  return { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0, totalTokens: usage.total_tokens ?? 0 };
}

export function openAIProvider(config: OpenAIConfig): ModelProvider {
  // The harness owns retries (per tool policy), so the client's own are off.
  const client = new OpenAI({ baseURL: config.baseURL, apiKey: config.apiKey, maxRetries: 0, timeout: config.timeoutMs });

  async function complete(system: string, user: string): Promise<ModelAnswer<string>> {
    try {
      const response = await client.chat.completions.create({
        model: config.model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
      });
      return { value: response.choices[0]?.message?.content ?? '', usage: usageOf(response) };
    } catch (err) {
      throw classifyModelError(err, config.apiKey);
    }
  }

  return {
    name: config.model,

    async plan(topic, sourceTitles) {
      const { value, usage } = await complete(
        'You plan research runs. Answer with 3 to 6 short numbered steps, one per line.',
        `Topic: ${topic}\nSources: ${sourceTitles.join('; ')}`,
      );
      // Normalized into steps whatever the model's list style.
      const steps = value
        .split('\n')
        .map((l) => l.replace(/^\s*(\d+[.)]|[-*])\s*/, '').trim())
        .filter(Boolean)
        .slice(0, 10);
      return { value: steps.length ? steps : ['Search the sources, extract facts, draft, review, ask for approval.'], usage };
    },

    async draft(topic, plan, facts) {
      const { value, usage } = await complete(
        `You write concise markdown research reports. Use exactly this structure: "${titleLine(topic)}", then "${KEY_FINDINGS}" with "- " bullets citing sources, then "${HARNESS_NOTES}".`,
        `Plan:\n${plan.join('\n')}\n\nFacts:\n${factBullets(facts).join('\n')}`,
      );
      return { value: value.trim() + '\n', usage };
    },

    async review(topic, markdown) {
      // The drafter's markdown must have the required sections whatever the model thinks.
      const problems = structuralProblems(topic, markdown);
      if (problems.length) return { value: { passed: false, findings: problems } };
      const { value, usage } = await complete(
        'You review markdown reports. Answer only with JSON: {"passed": boolean, "findings": string[]}.',
        markdown,
      );
      const answer = ReviewAnswer.safeParse(safeJson(value));
      return {
        value: answer.success ? answer.data : { passed: false, findings: ['reviewer answer was not the expected JSON {passed, findings}'] },
        usage,
      };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    return undefined;
  }
}
