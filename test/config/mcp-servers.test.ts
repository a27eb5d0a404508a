/** The MCP servers file (the shape MCP clients share) and what a worker checks of it before it polls: one line per mistake. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readMcpServersFile } from '../../src/config/mcp-servers';
import { McpConnections } from '../../src/activities/mcp/mcp-connections';
import { loadPolicyFile } from '../../src/config/policy-file';
import { checkWorkflowsModule, registerTools } from '../../src/worker/user-registration';
import { tempDir } from '../helpers/temporal';
import { ticketTools } from '../workflows/fixtures/ticket-tools';

async function file(name: string, content: string): Promise<string> {
  const target = path.join(await tempDir('mcp-config'), name);
  await fs.writeFile(target, content);
  return target;
}

test('stdio and Streamable HTTP servers, with the defaults they get', async () => {
  const servers = await readMcpServersFile(
    await file(
      'mcp.json',
      JSON.stringify({
        mcpServers: {
          notes: { command: 'node', args: ['notes.mjs'], env: { NOTES_FILE: '/tmp/n' } },
          tickets: { url: 'http://127.0.0.1:8931/mcp' },
        },
      }),
    ),
  );
  expect(servers).toEqual({
    notes: { command: 'node', args: ['notes.mjs'], env: { NOTES_FILE: '/tmp/n' } },
    tickets: { url: 'http://127.0.0.1:8931/mcp', headers: {} },
  });
});

test.each([
  [
    'a server name MCP tool names cannot carry',
    '{"mcpServers": {"My-Server": {"command": "x"}}}',
    /mcp\.json: mcpServers\.My-Server \(line 1\): .*lowercase/,
  ],
  ['a URL that is not http(s)', 'mcpServers:\n  files:\n    url: file:///etc/passwd\n', /mcpServers\.files\.url \(line 3\): Invalid URL/],
  ['neither a command nor a URL', 'mcpServers:\n  files:\n    cmd: x\n', /mcpServers\.files \(line 3\): /],
])('%s is one line naming the field', async (_what, content, message) => {
  const error = await readMcpServersFile(await file('mcp.json', content)).catch((err: Error) => err);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain('\n');
});

test('an agent naming a server the worker does not configure stops the worker before it polls', () => {
  const { catalog } = registerTools(ticketTools([]), true);
  const agents = require.resolve('../workflows/fixtures/mcp-agents');
  expect(() => checkWorkflowsModule(agents, catalog, { notes: { command: 'node', args: [], env: {} } })).toThrow(
    'agent "operator" uses MCP server "tickets", which this worker does not configure (HARNESS_MCP_SERVERS or the mcpServers option)',
  );
});

test("a policy file may govern an MCP server's tool before any run has listed it; other unknown names stay refused", async () => {
  const policy = await loadPolicyFile(
    await file('policy.yaml', 'version: 1\nname: mcp\ntools:\n  mcp__tickets__create_ticket: { minApprovals: 2 }\n'),
  );
  expect(policy.policy.tools.mcp__tickets__create_ticket).toMatchObject({ minApprovals: 2 });
  await expect(loadPolicyFile(await file('typo.yaml', 'version: 1\nname: typo\ntools:\n  mcp_tickets_create: {}\n'))).rejects.toThrow(
    /tools\.mcp_tickets_create \(line 4\): unknown tool/,
  );
});

test("a listed schema past its bound is not offered (it would go into every run's history); the server's other tools are", async () => {
  const notes = require.resolve('../workflows/fixtures/mcp/notes-server.mjs');
  const connections = new McpConnections({ notes: { command: process.execPath, args: [notes], env: { NOTES_HUGE_SCHEMA: '1' } } });
  try {
    const { servers } = await connections.list(['notes'], null);
    expect(servers![0]).toMatchObject({ ok: true, skipped: ['huge: its input schema passes 65536 characters'] });
    expect(servers![0].tools.map((tool) => tool.name)).toEqual(['mcp__notes__read_note', 'mcp__notes__append_note']);
  } finally {
    await connections.close();
  }
});
