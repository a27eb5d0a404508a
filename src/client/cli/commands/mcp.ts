/**
 * `harness mcp tools | serve`: the tool registry as MCP descriptors, and the harness as an MCP
 * server over stdio or Streamable HTTP (loopback unless told otherwise).
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readEnv } from '../../../config/env';
import { REPO_ROOT } from '../../../paths';
import { connectClient } from '../../api/connect';
import { HarnessError } from '../../api/harness-error';
import { createMcpServer } from '../../mcp/server';
import { toolDescriptors } from '../../mcp/tool-descriptors';
import { printJson } from '../format';
import { say, warn } from '../terminal';

const VERSION = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

export function mcpToolsCommand(options: { json?: boolean }): void {
  const tools = toolDescriptors();
  if (options.json) return printJson({ tools });
  for (const t of tools) {
    const hints = Object.entries(t.annotations ?? {})
      .filter(([, on]) => on === true)
      .map(([hint]) => hint)
      .join(', ');
    say(`${t.name.padEnd(16)} ${t.description}\n${''.padEnd(16)} ${t._meta?.['durable-harness/category']}${hints ? `; ${hints}` : ''}\n`);
  }
}

export async function mcpServeCommand(options: { http?: number; host?: string }): Promise<void> {
  const h = await connectClient(readEnv());
  if (options.http === undefined) {
    // stdout is the protocol's: nothing else may be printed there.
    const server = createMcpServer(h, VERSION);
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
    await server.connect(transport);
    process.stdin.on('end', () => void transport.close());
    await closed;
    await h.close();
    return;
  }
  const host = options.host ?? '127.0.0.1';
  const loopback = LOOPBACK.includes(host);
  const http = createServer(async (req, res) => {
    if (req.url !== '/mcp') {
      res.writeHead(404).end('the MCP endpoint is /mcp\n');
      return;
    }
    // Stateless: a server and a transport per request, over the one Temporal connection.
    const server = createMcpServer(h, VERSION);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      // On loopback, a page in a browser must not reach the server through a rebound DNS name.
      ...(loopback
        ? { enableDnsRebindingProtection: true, allowedHosts: LOOPBACK.map((name) => `${name.includes(':') ? `[${name}]` : name}:${port}`) }
        : {}),
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(`${err instanceof Error ? err.message : err}\n`);
    }
  });
  let port = options.http;
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err) => reject(new HarnessError(`cannot listen on ${host}:${options.http}: ${err.message}`)));
    http.listen(options.http, host, () => resolve());
  });
  port = (http.address() as { port: number }).port;
  warn(
    `harness MCP server on http://${host.includes(':') ? `[${host}]` : host}:${port}/mcp (Temporal at ${h.env.TEMPORAL_ADDRESS})${loopback ? '' : '; not loopback: anyone who reaches this port can start runs'}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => http.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await h.close();
}
