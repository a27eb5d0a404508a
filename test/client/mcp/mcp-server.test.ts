/**
 * The MCP server driven by the official SDK client, over stdio and over Streamable HTTP: tools
 * listed (none decides), a run started and read until its gate, approved by a human through the
 * CLI, then read completed, its report as a resource; errors as MCP tool errors.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { request } from 'node:http';
import { waitFor } from '../../../src/client/api/wait-for';
import { MCP_SERVER_TOOLS } from '../../../src/client/mcp/server';
import { HARNESS_BIN } from '../../helpers/processes';
import { useCliTestBed } from '../../helpers/test-bed';

const bed = useCliTestBed('mcp');
const servers: ChildProcess[] = [];
afterAll(() => servers.forEach((s) => s.kill('SIGKILL')));

type Result = { structuredContent?: Record<string, unknown>; isError?: boolean; content: { type: string; text?: string }[] };
const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as Result;

async function connected(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'harness-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** `harness mcp serve` over stdio, spawned by the SDK's client transport as an MCP host would. */
const stdioServer = () =>
  new StdioClientTransport({
    command: process.execPath,
    args: [HARNESS_BIN, 'mcp', 'serve'],
    env: { ...process.env, ...bed.env } as Record<string, string>,
    stderr: 'pipe',
  });

/** `harness mcp serve --http 0 --host HOST`, once it says where it listens; stderr as it grows. */
async function httpServer(host: string): Promise<{ url: string; stderr: () => string }> {
  const server = spawn(process.execPath, [HARNESS_BIN, 'mcp', 'serve', '--http', '0', '--host', host], {
    env: { ...process.env, ...bed.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(server);
  let stderr = '';
  server.stderr!.on('data', (d) => (stderr += d));
  const url = await waitFor(async () => new RegExp(`on (http://${host.replace(/\./g, '\\.')}:\\d+/mcp)`).exec(stderr)?.[1], {
    timeoutMs: 20_000,
    what: 'the MCP server to listen',
  });
  return { url, stderr: () => stderr };
}

/** Lists tools, starts a run, reads it to its gate; a human approves with the CLI; reads it completed. */
async function governedRun(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual([...MCP_SERVER_TOOLS].sort());
  expect(tools.filter((t) => /approve|reject|resume|abort|edit|decide|cancel/.test(t.name))).toEqual([]);

  const started = await call(client, 'start_research_run', { topic: 'durable agent harness' });
  expect(started.isError).toBeFalsy();
  const runId = started.structuredContent!.runId as string;
  await waitFor(async () => (await call(client, 'run_status', { runId })).structuredContent!.status === 'waiting_approval', {
    timeoutMs: 30_000,
    what: `${runId} at its gate through MCP`,
  });
  const pending = await call(client, 'pending_approval', { runId });
  expect(pending.structuredContent).toMatchObject({ status: 'waiting_approval', pendingCall: { tool: 'finalize_report' } });
  expect(pending.structuredContent!.howToDecide).toMatch(new RegExp(`^harness approve ${runId} --digest [0-9a-f]{12}`));

  // A human reads what waits (the approval is pinned to it) and approves, outside MCP.
  expect((await bed.harness('pending', runId)).code).toBe(0);
  expect((await bed.harness('approve', runId)).code).toBe(0);
  const completed = await waitFor(
    async () => {
      const summary = (await call(client, 'run_summary', { runId })).structuredContent!;
      return summary.status === 'completed' ? summary : null;
    },
    { timeoutMs: 30_000, what: `${runId} completed through MCP` },
  );
  const report = completed.report as { path: string };
  const resource = await client.readResource({ uri: `harness://runs/${runId}/report` });
  expect((resource.contents[0] as { text: string }).text).toBe(await fs.readFile(report.path, 'utf8'));
  const trace = await call(client, 'run_trace', { runId, event: 'approval_granted' });
  expect(trace.structuredContent!.events).toHaveLength(1);

  const unknown = await call(client, 'run_status', { runId: 'no-such-run' });
  expect(unknown).toMatchObject({ isError: true, content: [{ type: 'text', text: 'no run with id no-such-run' }] });
}

test('over stdio', async () => {
  const client = await connected(stdioServer());
  try {
    await governedRun(client);
  } finally {
    await client.close();
  }
});

test('over Streamable HTTP on loopback, which refuses a foreign Host', async () => {
  const { url } = await httpServer('127.0.0.1');
  const client = await connected(new StreamableHTTPClientTransport(new URL(url)));
  try {
    await governedRun(client);
  } finally {
    await client.close();
  }
  // fetch will not send a Host of our choosing; a plain request will, as a rebound DNS name would.
  const status = await new Promise<number>((resolve, reject) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const req = request(url, {
      method: 'POST',
      headers: { host: 'attacker.example', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    });
    req.on('response', (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    req.end(body);
  });
  expect(status).toBe(403);
});

/** A POST of tools/list with the headers a browser or a rebound DNS name would send; the status code. */
function postWithHeaders(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    });
    req.on('response', (res) => resolve(res.statusCode ?? 0)).on('error', reject);
    req.end(body);
  });
}

test('on any loopback address (127.0.0.2 too), a foreign Host or Origin is refused; its own names are served', async () => {
  const { url, stderr } = await httpServer('127.0.0.2');
  const own = new URL(url).host;
  const port = new URL(url).port;
  expect(await postWithHeaders(url, { host: 'attacker.example' })).toBe(403);
  expect(await postWithHeaders(url, { host: `attacker.example:${port}` })).toBe(403);
  expect(await postWithHeaders(url, { host: own, origin: 'http://attacker.example' })).toBe(403);
  expect(await postWithHeaders(url, { host: own, origin: 'null' })).toBe(403);
  expect(await postWithHeaders(url, { host: own })).toBe(200);
  expect(await postWithHeaders(url, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).toBe(200);
  expect(stderr()).not.toMatch(/not loopback/);
});

test('a bogus page token is refused at once in one line, not after the server’s retries', async () => {
  const client = await connected(stdioServer());
  try {
    // Refused here, before any call: the server's answer (after its retries) would be quoted in the line.
    for (const page of ['garbage', 'Zm9v.AAAAAAAAAAAA', '']) {
      const listed = await call(client, 'list_runs', { page });
      if (page === '') expect(listed.isError).toBeFalsy();
      else
        expect(listed).toMatchObject({
          isError: true,
          content: [{ type: 'text', text: expect.stringMatching(/^invalid page token: [^(]+$/) }],
        });
    }
    // A real token pages on.
    const first = await call(client, 'list_runs', { pageSize: 1 });
    const next = first.structuredContent!.nextPage as string | null;
    if (next) expect((await call(client, 'list_runs', { pageSize: 1, page: next })).isError).toBeFalsy();
  } finally {
    await client.close();
  }
});

test('stdio: a client that closes stdin while a call is retrying (Temporal gone) ends the server cleanly', async () => {
  const { startDevServer } = await import('../../../src/dev-server/dev-server');
  const { freePort } = await import('../../../src/dev-server/free-port');
  const address = `127.0.0.1:${await freePort()}`;
  const temporal = await startDevServer({ address, log: () => undefined });
  const server = spawn(process.execPath, [HARNESS_BIN, 'mcp', 'serve'], {
    env: { ...process.env, ...bed.env, TEMPORAL_ADDRESS: address },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  servers.push(server);
  let stdout = '';
  let stderr = '';
  server.stdout!.on('data', (d) => (stdout += d));
  server.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  const send = (message: object) => server.stdin!.write(`${JSON.stringify(message)}\n`);
  send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  await waitFor(async () => stdout.includes('"id":1'), { timeoutMs: 20_000, what: 'the initialize answer' });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  await temporal.stop();
  send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'run_status', arguments: { runId: 'some-run' } } });
  // The call is now retrying against a server that is gone; the client leaves.
  await waitFor(async () => stdout.length > 0 && !stdout.includes('"id":2'), { timeoutMs: 60_000, what: 'the call to be in flight' });
  server.stdin!.end();
  expect(await exited).toBe(0);
  expect(stderr).toBe('');
});
