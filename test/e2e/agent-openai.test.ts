/**
 * An agent on an OpenAI-compatible endpoint: a real HTTP server on loopback answers as the API
 * does (tool calls with JSON-string arguments, content beside calls, parallel calls, malformed
 * arguments, an unknown tool, `finish_reason: length`, 429 with Retry-After, a 500, a slow answer).
 * The request the harness sends is checked too: the agent's tools as JSON Schema, the conversation
 * with every tool result answering its call.
 */
import type { Client } from '@temporalio/client';
import { conversationQuery } from '../../src/shared/public';
import { implementTool, openAIChatModel } from '../../src/worker/public';
import { FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai';
import { startTestWorker, tempDir, TestWorker, uniqueName } from '../helpers/temporal';
import { useClient } from '../helpers/test-bed';
import { fileTicket, lookupTicket } from '../workflows/fixtures/ticket-workflows';

const API_KEY = 'sk-agent-test';
const holder = useClient();
let client: Client;
let fake: FakeOpenAI;
let worker: TestWorker;
let taskQueue: string;

beforeAll(async () => {
  client = holder.client;
  fake = await startFakeOpenAI({ apiKey: API_KEY });
  taskQueue = uniqueName('agent-openai');
  const tools = [
    implementTool(lookupTicket, async ({ ticketId }) => ({ ticketId, subject: `subject of ${ticketId}`, priority: 'low' as const })),
    implementTool(fileTicket, async () => ({ row: 1 })),
  ];
  worker = await startTestWorker({
    taskQueue,
    outputRoot: await tempDir('agent-openai'),
    user: {
      tools,
      workflowsPath: require.resolve('../workflows/fixtures/agents'),
      chatModel: openAIChatModel({ baseURL: fake.baseURL, apiKey: API_KEY, model: 'fake-model', timeoutMs: 10_000 }),
    },
  });
});
afterAll(async () => {
  await worker?.stop();
  await fake?.close();
});

const run = (prompt: string) => client.workflow.start('helpdesk', { args: [{ prompt }], taskQueue, workflowId: uniqueName('helpdesk') });

test('parallel calls, content beside calls, malformed arguments and an unknown tool, then an answer cut short by length', async () => {
  fake.requests.length = 0;
  fake.script(
    '',
    {
      content: 'Looking both up.',
      toolCalls: [
        { id: 'call_a', name: 'lookup_ticket', arguments: '{"ticketId":"T-1"}' },
        { id: 'call_b', name: 'lookup_ticket', arguments: '{"ticketId":"T-2"}' },
      ],
    },
    {
      toolCalls: [
        { id: 'call_c', name: 'lookup_ticket', arguments: '{"ticketId": "T-3"' },
        { id: 'call_d', name: 'close_all_tickets', arguments: '{}' },
      ],
    },
    { content: 'Both tickets are low priority and', finishReason: 'length' },
  );
  const handle = await run('look up T-1 and T-2');
  const result = await handle.result();
  expect(result.output).toEqual({ answer: 'Both tickets are low priority and', stoppedBy: 'answer', turns: 3, toolCalls: 2 });
  expect(result.usage).toMatchObject({ totalTokens: 360, reportedSteps: 3 });

  const bodies = fake.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => JSON.parse(r.body));
  expect(bodies).toHaveLength(3);
  expect(bodies[0].tool_choice).toBe('auto');
  expect(bodies[0].tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(['lookup_ticket', 'file_ticket']);
  expect(bodies[0].tools[0].function.parameters).toMatchObject({
    type: 'object',
    properties: { ticketId: { type: 'string', minLength: 1 } },
    required: ['ticketId'],
  });
  expect(bodies[0].messages[0]).toEqual({ role: 'system', content: expect.stringContaining('Look the ticket up first') });
  // The second request carries the assistant's calls and a tool message answering each, in the model's order.
  const second = bodies[1].messages as { role: string; tool_call_id?: string; content: string | null; tool_calls?: unknown[] }[];
  expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool']);
  expect(second[2]).toMatchObject({ content: 'Looking both up.', tool_calls: [{ id: 'call_a' }, { id: 'call_b' }] });
  expect(second.slice(3).map((m) => m.tool_call_id)).toEqual(['call_a', 'call_b']);
  expect(JSON.parse(second[3].content!)).toEqual({ ticketId: 'T-1', subject: 'subject of T-1', priority: 'low' });
  const third = bodies[2].messages as { role: string; tool_call_id?: string; content: string }[];
  const errors = third.filter((m) => m.role === 'tool').slice(2);
  expect(errors.map((m) => m.tool_call_id)).toEqual(['call_c', 'call_d']);
  expect(errors[0].content).toMatch(/^lookup_ticket: the arguments are not valid JSON/);
  expect(errors[1].content).toBe('unknown tool "close_all_tickets": this agent\'s tools are lookup_ticket, file_ticket');

  const { messages } = await handle.query(conversationQuery);
  expect(messages.filter((m) => m.role === 'assistant')).toHaveLength(3);
});

test("a 429 waits at least its Retry-After, a 500 is retried, a slow answer is waited for: the run ends with the model's answer", async () => {
  fake.requests.length = 0;
  fake.script('', { status: 429, headers: { 'retry-after': '2' } }, { status: 500 }, { content: 'All done.', delayMs: 1_500 });
  const result = await (await run('anything')).result();
  expect(result.output).toMatchObject({ answer: 'All done.', stoppedBy: 'answer', turns: 1 });
  const chats = fake.requests.filter((r) => r.path.endsWith('/chat/completions'));
  expect(chats).toHaveLength(3);
  expect(chats[1].at - chats[0].at).toBeGreaterThanOrEqual(2_000);
  expect(result.steps.find((s: { tool: string }) => s.tool === 'model_turn')).toMatchObject({ status: 'ok', attempts: 3 });
});
