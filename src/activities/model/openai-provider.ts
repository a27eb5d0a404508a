/** Provider for any OpenAI-compatible chat-completions endpoint, through the `openai` package. */
import { ApplicationFailure } from '@temporalio/activity';
import OpenAI from 'openai';
import { z } from 'zod';
import { NON_RETRYABLE } from '../../shared/tools';
import { factBullets, HARNESS_NOTES, KEY_FINDINGS, structuralProblems, titleLine } from '../report-format';
import type { ModelProvider } from './provider';

export interface OpenAIConfig {
  baseURL: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
}

const ReviewAnswer = z.object({ passed: z.boolean(), findings: z.array(z.string()) });

/** 4xx answers other than 408/409/429 mean the request itself is wrong: no retry can fix them. */
function rejectedStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && ![408, 409, 429].includes(status);
}

export function openAIProvider(config: OpenAIConfig): ModelProvider {
  // The harness owns retries (per tool policy), so the client's own are off.
  const client = new OpenAI({ baseURL: config.baseURL, apiKey: config.apiKey, maxRetries: 0, timeout: config.timeoutMs });

  async function complete(system: string, user: string): Promise<string> {
    try {
      const response = await client.chat.completions.create({
        model: config.model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
      });
      return response.choices[0]?.message?.content ?? '';
    } catch (err) {
      if (err instanceof OpenAI.APIError && rejectedStatus(err.status)) {
        // The message names the status and what to check, never the key.
        throw ApplicationFailure.nonRetryable(
          `model endpoint refused the request (HTTP ${err.status}): check OPENAI_BASE_URL, OPENAI_API_KEY and HARNESS_MODEL_NAME`,
          NON_RETRYABLE.modelRejected,
        );
      }
      const status = err instanceof OpenAI.APIError && err.status ? ` (HTTP ${err.status})` : '';
      throw ApplicationFailure.retryable(`model call failed${status}: ${(err as Error).message}`, 'ModelUnavailable');
    }
  }

  return {
    name: config.model,

    async plan(topic, sourceTitles) {
      const text = await complete(
        'You plan research runs. Answer with 3 to 6 short numbered steps, one per line.',
        `Topic: ${topic}\nSources: ${sourceTitles.join('; ')}`,
      );
      const steps = text
        .split('\n')
        .map((l) => l.replace(/^\s*(\d+[.)]|[-*])\s*/, '').trim())
        .filter(Boolean)
        .slice(0, 10);
      return steps.length ? steps : ['Search the sources, extract facts, draft, review, ask for approval.'];
    },

    async draft(topic, plan, facts) {
      const body = await complete(
        `You write concise markdown research reports. Use exactly this structure: "${titleLine(topic)}", then "${KEY_FINDINGS}" with "- " bullets citing sources, then "${HARNESS_NOTES}".`,
        `Plan:\n${plan.join('\n')}\n\nFacts:\n${factBullets(facts).join('\n')}`,
      );
      return body.trim() + '\n';
    },

    async review(topic, markdown) {
      const problems = structuralProblems(topic, markdown);
      if (problems.length) return { passed: false, findings: problems };
      const text = await complete(
        'You review markdown reports. Answer only with JSON: {"passed": boolean, "findings": string[]}.',
        markdown,
      );
      const answer = ReviewAnswer.safeParse(safeJson(text));
      return answer.success ? answer.data : { passed: false, findings: ['reviewer answer was not the expected JSON {passed, findings}'] };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    return undefined;
  }
}
