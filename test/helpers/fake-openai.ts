/**
 * A real HTTP server on loopback that speaks the OpenAI chat-completions and models endpoints,
 * with scripted answers: each chat request takes the next scripted reply, or a sensible default
 * (a plan, a well-formed report built from the prompt, a passing JSON review). Replies may carry
 * tool calls shaped exactly as the API sends them, with or without content.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** Chat content for a 200; a JSON error body otherwise. */
  content?: string;
  /** Omit `usage` from the response. */
  noUsage?: boolean;
  /** Tool calls as a real endpoint sends them: arguments are the JSON string the model wrote (malformed or not). */
  toolCalls?: { id: string; name: string; arguments: string }[];
  /** Default `tool_calls` when there are calls, else `stop`. */
  finishReason?: string;
  /** Holds the answer back this long (a slow endpoint). */
  delayMs?: number;
}

export interface FakeOpenAI {
  baseURL: string;
  /** Each request as it arrived, `at` in epoch milliseconds. */
  requests: { path: string; authorization?: string; body: string; at: number }[];
  /** Replies for the next chat requests whose system prompt contains the key ('plan', 'report', 'review', or '' for any). */
  script(role: 'plan' | 'report' | 'review' | '', ...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

const USAGE = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 };

function defaultContent(system: string, user: string): string {
  if (system.includes('You plan')) return '1. Search the sources.\n2. Draft the report.\n3. Review it.';
  if (system.includes('You review')) return '{"passed": true, "findings": ["structure and sources look right"]}';
  const title = /"(# Report: [^"]+)"/.exec(system)?.[1] ?? '# Report: unknown';
  const bullets = user.split('\n').filter((l) => l.startsWith('- '));
  return [
    title,
    '',
    '## Key Findings',
    '',
    ...(bullets.length ? bullets : ['- (no facts)']),
    '',
    '## Harness Notes',
    '',
    '- Drafted by the fake model.',
    '',
  ].join('\n');
}

const ROLE_MARKERS = { plan: 'You plan', report: 'You write', review: 'You review' } as const;

export async function startFakeOpenAI(options: { models?: string[]; apiKey?: string } = {}): Promise<FakeOpenAI> {
  const models = options.models ?? ['fake-model'];
  const queues: { role: keyof typeof ROLE_MARKERS | ''; reply: ScriptedReply }[] = [];
  const requests: FakeOpenAI['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body, at: Date.now() });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`)
        return send(401, { error: { message: 'invalid api key' } });
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        return send(200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
      }
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return send(404, { error: { message: 'not found' } });
      const request = JSON.parse(body);
      const system: string = request.messages.find((m: { role: string }) => m.role === 'system')?.content ?? '';
      const user: string = request.messages.find((m: { role: string }) => m.role === 'user')?.content ?? '';
      if (!models.includes(request.model)) return send(404, { error: { message: `model ${request.model} not found` } });
      const index = queues.findIndex((q) => q.role === '' || system.includes(ROLE_MARKERS[q.role]));
      const reply = index >= 0 ? queues.splice(index, 1)[0].reply : {};
      const status = reply.status ?? 200;
      if (status !== 200) return send(status, { error: { message: `scripted ${status}` } }, reply.headers);
      const toolCalls = reply.toolCalls?.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
      const message = toolCalls
        ? { role: 'assistant', content: reply.content ?? null, tool_calls: toolCalls, refusal: null }
        : { role: 'assistant', content: reply.content ?? defaultContent(system, user), refusal: null };
      const answer = () =>
        send(200, {
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 0,
          model: request.model,
          choices: [{ index: 0, finish_reason: reply.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'), logprobs: null, message }],
          ...(reply.noUsage ? {} : { usage: USAGE }),
        });
      if (!reply.delayMs) return answer();
      // A client that hangs up (a worker killed mid-call) takes its pending answer with it.
      const timer = setTimeout(answer, reply.delayMs);
      res.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (role, ...replies) => queues.push(...replies.map((reply) => ({ role, reply }))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
