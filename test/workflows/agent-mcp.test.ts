/**
 * MCP tools under the harness's policy, from two real MCP server processes built with the official
 * SDK (notes over stdio, started by the worker; tickets over Streamable HTTP): their tools reach the
 * model as mcp__<server>__<tool> with the servers' schemas; read-only tools run ungated, the rest
 * wait at a gate unless the policy says otherwise; a schema that changes between turns and a server
 * killed mid-run come back to the model as clear errors and into the trace, never a failed task.
 */
import type { Client } from '@temporalio/client';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { approveUpdate, stateQuery, traceQuery } from '../../src/shared/public';
import type { AgentMessage, ModelTurnInput } from '../../src/shared/public';
import { scriptedModel, ScriptedTurn } from '../../src/worker/public';
import { spawnNodeUntil, WorkerProcess } from '../helpers/processes';
import { startTestWorker, tempDir, TestWorker, uniqueName, waitForStatus } from '../helpers/temporal';
import { useClient } from '../helpers/test-bed';
import { ticketTools } from './fixtures/ticket-tools';

const FIXTURES = path.join(__dirname, 'fixtures/mcp');
const holder = useClient();
let client: Client;
let worker: TestWorker;
let tickets: WorkerProcess;
let notesFile: string;
let taskQueue: string;
/** The tools each turn offered the model, as it saw them. */
const offered: ModelTurnInput['tools'][] = [];

const toolResults = (input: ModelTurnInput) =>
  input.messages.filter((m): m is Extract<AgentMessage, { role: 'tool' }> => m.role === 'tool');

/** Reads the notes and the queue, opens a ticket and notes it, then asks the tickets server again after it was killed. */
async function operatorModel(input: ModelTurnInput): Promise<ScriptedTurn> {
  offered.push(input.tools);
  switch (input.turn) {
    case 1:
      return {
        toolCalls: [
          { name: 'mcp__notes__read_note', arguments: { title: 'oncall' } },
          { name: 'mcp__tickets__list_tickets', arguments: {} },
        ],
      };
    case 2:
      return {
        toolCalls: [
          { name: 'mcp__tickets__create_ticket', arguments: { title: 'disk full on db-1', priority: 'high' } },
          { name: 'mcp__notes__append_note', arguments: { title: 'oncall', text: 'opened a ticket for db-1' } },
          // read_note asks for a version since its first read: the old arguments are refused by its new schema.
          { name: 'mcp__notes__read_note', arguments: { title: 'oncall' } },
        ],
      };
    case 3:
      await tickets.kill('SIGKILL');
      return { toolCalls: [{ name: 'mcp__tickets__list_tickets', arguments: {} }] };
    case 4:
      return { toolCalls: [{ name: 'mcp__tickets__list_tickets', arguments: {} }] };
    default:
      return {
        content: toolResults(input)
          .map((m) => `${m.name}: ${m.isError ? 'error' : 'ok'}: ${m.content}`)
          .join('\n'),
      };
  }
}

beforeAll(async () => {
  client = holder.client;
  taskQueue = uniqueName('mcp');
  const dir = await tempDir('mcp');
  notesFile = path.join(dir, 'notes.jsonl');
  await fs.writeFile(notesFile, `${JSON.stringify({ title: 'oncall', text: 'alice this week' })}\n`);
  tickets = await spawnNodeUntil([path.join(FIXTURES, 'tickets-server.mjs')], {}, /listening \d+/, 30_000);
  const port = /listening (\d+)/.exec(tickets.output())![1];
  worker = await startTestWorker({
    taskQueue,
    outputRoot: dir,
    user: {
      tools: ticketTools([]),
      workflowsPath: require.resolve('./fixtures/mcp-agents'),
      chatModel: scriptedModel('operator', operatorModel),
      mcpServers: {
        notes: { command: process.execPath, args: [path.join(FIXTURES, 'notes-server.mjs')], env: { NOTES_FILE: notesFile } },
        tickets: { url: `http://127.0.0.1:${port}/mcp` },
      },
    },
  });
});
afterAll(async () => {
  await worker?.stop();
  await tickets?.kill('SIGKILL');
});

test('two servers’ tools under the policy: read-only ungated, a write gated, a changed schema and a killed server told to the model', async () => {
  // The policy waives the gate on the notes server's append (a name it could not know before a run lists it).
  const policy = { version: 1, name: 'mcp-ops', tools: { mcp__notes__append_note: { approval: 'never' } } };
  const run = await client.workflow.start('operator', {
    args: [{ prompt: 'disk full on db-1', harness: { policy } }],
    taskQueue,
    workflowId: uniqueName('operator'),
  });
  const gate = await waitForStatus(run, ['waiting_approval']);
  expect(gate.pendingAction).toMatchObject({ tool: 'mcp__tickets__create_ticket' });
  expect(JSON.parse(gate.pendingAction!.preview.firstLines.join('\n'))).toEqual({ title: 'disk full on db-1', priority: 'high' });
  await run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: gate.pendingAction!.digest }] });
  const result = await run.result();
  expect(result).toMatchObject({ status: 'completed', output: { stoppedBy: 'answer', turns: 5 } });

  // The model saw the servers' tools with the servers' own schemas, the agent's own tool beside them.
  const first = Object.fromEntries(offered[0].map((tool) => [tool.name, tool]));
  expect(Object.keys(first).sort()).toEqual([
    'lookup_ticket',
    'mcp__notes__append_note',
    'mcp__notes__read_note',
    'mcp__tickets__create_ticket',
    'mcp__tickets__list_tickets',
  ]);
  expect(first.mcp__tickets__create_ticket.parameters).toMatchObject({ properties: { priority: { enum: ['low', 'high'] } } });
  expect(offered[1].find((tool) => tool.name === 'mcp__notes__read_note')!.parameters).toMatchObject({ required: ['title', 'version'] });
  expect(offered[3].map((tool) => tool.name).sort()).toEqual(['lookup_ticket', 'mcp__notes__append_note', 'mcp__notes__read_note']);

  const answer = result.output!.answer!.split('\n');
  expect(answer[0]).toMatch(/^mcp__notes__read_note: ok: .*alice this week/);
  expect(answer[1]).toBe('mcp__tickets__list_tickets: ok: {"content":[{"type":"text","text":"[]"}],"structuredContent":{"tickets":[]}}');
  expect(answer[2]).toMatch(/^mcp__tickets__create_ticket: ok: .*opened TK-1/);
  expect(answer[3]).toMatch(/^mcp__notes__append_note: ok: .*"count":2/);
  expect(answer[4]).toMatch(/^mcp__notes__read_note: error: mcp__notes__read_note: invalid arguments: version: /);
  expect(answer[5]).toMatch(/^mcp__tickets__list_tickets: error: failed: .*MCP server tickets/);
  expect(answer[6]).toMatch(/^mcp__tickets__list_tickets: error: mcp__tickets__list_tickets: MCP server tickets is unavailable: /);

  // Exactly one note written, by the server process the worker started.
  const lines = (await fs.readFile(notesFile, 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(JSON.parse(lines[1])).toMatchObject({ title: 'oncall', text: 'opened a ticket for db-1' });

  const trace = await run.query(traceQuery);
  const listed = trace.filter((e) => e.type === 'mcp_tools_listed').map((e) => e.data);
  expect(listed).toHaveLength(3); // the first listing, read_note's new schema, the tickets server gone
  expect(listed[1]).toMatchObject({ changed: ['mcp__notes__read_note'] });
  expect(listed[2]).toMatchObject({
    servers: [
      { server: 'notes', ok: true },
      { server: 'tickets', ok: false, tools: [] },
    ],
  });
  const gated = trace.filter((e) => e.type === 'approval_required').map((e) => e.tool);
  expect(gated).toEqual(['mcp__tickets__create_ticket']);
  expect(trace.filter((e) => e.type === 'policy_checked' && e.tool?.startsWith('mcp__')).map((e) => e.tool)).toEqual([
    'mcp__notes__read_note',
    'mcp__tickets__list_tickets',
    'mcp__tickets__create_ticket',
    'mcp__notes__append_note',
    'mcp__tickets__list_tickets',
  ]);
  expect(trace.filter((e) => e.type === 'tool_call_refused').map((e) => e.tool)).toEqual([
    'mcp__notes__read_note',
    'mcp__tickets__list_tickets',
  ]);
  // Each call is an activity of the tool's own name in Temporal Web; the ungated append ran while the ticket waited at its gate.
  const scheduled = ((await run.fetchHistory()).events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes ?? []);
  expect(scheduled.map((s) => s.activityType?.name).filter((name) => name?.startsWith('mcp__'))).toEqual([
    'mcp__notes__read_note',
    'mcp__tickets__list_tickets',
    'mcp__notes__append_note',
    'mcp__tickets__create_ticket',
    'mcp__tickets__list_tickets',
  ]);
  const create = scheduled.find((s) => s.activityType?.name === 'mcp__tickets__create_ticket')!;
  expect(create.retryPolicy?.maximumAttempts).toBe(1);
  expect((await run.query(stateQuery)).status).toBe('completed');
});
