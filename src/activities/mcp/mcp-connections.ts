/**
 * The worker's MCP clients, one per configured server, connected on first use and dropped when
 * their transport closes (a stdio server that died is started again on the next use, an HTTP one
 * is reached again). Lists tools in the harness's terms and calls them; all MCP I/O lives here.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { createHash } from 'node:crypto';
import type { McpServerConfig, McpServers } from '../../config/mcp-servers';
import { MCP_CALL_TIMEOUT_MS, McpListedTool, McpListResult, McpServerListing, mcpToolName } from '../../shared/mcp-tools';

const LIST_TIMEOUT_MS = 10_000;
const MAX_SCHEMA_CHARS = 64 * 1024;

/** The server could not be reached, or broke off; the message says which server and why. */
export class McpUnavailable extends Error {}

export interface McpCallAnswer {
  isError: boolean;
  content: unknown[];
  structuredContent?: Record<string, unknown>;
}

export class McpConnections {
  private readonly clients = new Map<string, Promise<Client>>();
  /** Each server's last listing in this process: a call finds the server's own name for a tool here. */
  private readonly listings = new Map<string, McpServerListing>();

  constructor(readonly servers: McpServers) {}

  has(server: string): boolean {
    return Object.hasOwn(this.servers, server);
  }

  /** Every named server's tools; a server that cannot be listed is `ok: false` with why, not an error. */
  async list(servers: string[], knownDigest: string | null): Promise<McpListResult> {
    const listings = await Promise.all(servers.map((server) => this.listServer(server)));
    const digest = createHash('sha256').update(JSON.stringify(listings)).digest('hex');
    return { digest, servers: digest === knownDigest ? null : listings };
  }

  /** A call's timeout on this server. */
  timeoutOf(server: string): number {
    return this.config(server).timeoutMs ?? MCP_CALL_TIMEOUT_MS;
  }

  /** Calls a listed tool of the server; the server's own `isError` answer comes back as it is. */
  async call(server: string, listed: McpListedTool, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpCallAnswer> {
    const timeout = this.timeoutOf(server);
    let client: Client | undefined;
    try {
      client = await this.client(server);
      const result = await client.callTool({ name: listed.mcpName, arguments: args }, undefined, { timeout, signal });
      return {
        isError: result.isError === true,
        content: Array.isArray(result.content) ? result.content : [],
        ...(result.structuredContent && typeof result.structuredContent === 'object'
          ? { structuredContent: result.structuredContent as Record<string, unknown> }
          : {}),
      };
    } catch (err) {
      if (signal?.aborted) throw err;
      // A protocol error answer (invalid params, say) is the server's word on this call; a broken connection is not.
      if (isProtocolError(err)) return { isError: true, content: [{ type: 'text', text: (err as Error).message }] };
      this.drop(server, client);
      throw new McpUnavailable(`MCP server ${server}: ${describe(err)}`);
    }
  }

  /** The listed tool behind a harness name: from the last listing, or a new one when the name is not in it. */
  async listedTool(server: string, name: string): Promise<McpListedTool> {
    const find = () => this.listings.get(server)?.tools.find((tool) => tool.name === name);
    const known = find() ?? ((await this.listServer(server)).ok ? find() : undefined);
    if (known) return known;
    const listing = this.listings.get(server);
    if (listing && !listing.ok) throw new McpUnavailable(`MCP server ${server} is unavailable: ${listing.error}`);
    throw new McpUnknownTool(`MCP server ${server} does not offer ${name} (any more)`);
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map(async (pending) => (await pending.catch(() => null))?.close().catch(() => undefined)));
  }

  private async listServer(server: string): Promise<McpServerListing> {
    const timeoutMs = this.timeoutOf(server);
    let listing: McpServerListing;
    try {
      const client = await this.client(server);
      const tools: McpServerListing['tools'] = [];
      const skipped: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: LIST_TIMEOUT_MS });
        for (const tool of page.tools) {
          const name = mcpToolName(server, tool.name);
          // What a server lists goes into the run's history: a schema past its bound is not offered.
          if (JSON.stringify(tool.inputSchema).length > MAX_SCHEMA_CHARS)
            skipped.push(`${tool.name.slice(0, 100)}: its input schema passes ${MAX_SCHEMA_CHARS} characters`);
          else if (name === null) skipped.push(`${tool.name.slice(0, 100)}: its harness name would pass 64 characters`);
          else if (tools.some((other) => other.name === name)) skipped.push(`${tool.name.slice(0, 100)}: named ${name} like another tool`);
          else
            tools.push({
              name,
              mcpName: tool.name,
              description: (tool.description ?? '').slice(0, 4_096),
              inputSchema: tool.inputSchema as Record<string, unknown>,
              annotations: { ...(tool.annotations ?? {}) },
            });
        }
        cursor = page.nextCursor;
      } while (cursor);
      listing = { server, ok: true, timeoutMs, tools, skipped };
    } catch (err) {
      this.drop(server);
      listing = { server, ok: false, error: describe(err).slice(0, 1_000), timeoutMs, tools: [], skipped: [] };
    }
    this.listings.set(server, listing);
    return listing;
  }

  private config(server: string): McpServerConfig {
    if (!this.has(server)) throw new McpUnavailable(`MCP server ${server} is not configured on this worker`);
    return this.servers[server];
  }

  private client(server: string): Promise<Client> {
    const existing = this.clients.get(server);
    if (existing) return existing;
    const connecting = this.connect(server);
    this.clients.set(server, connecting);
    connecting.catch(() => this.clients.get(server) === connecting && this.clients.delete(server));
    return connecting;
  }

  private async connect(server: string): Promise<Client> {
    const config = this.config(server);
    const transport: Transport =
      'command' in config
        ? new StdioClientTransport({
            command: config.command,
            args: config.args,
            env: { ...getDefaultEnvironment(), ...config.env },
            ...(config.cwd ? { cwd: config.cwd } : {}),
          })
        : new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
    const client = new Client({ name: 'durable-harness', version: '1' });
    client.onclose = () => this.drop(server, client);
    try {
      await client.connect(transport, { timeout: LIST_TIMEOUT_MS });
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
    return client;
  }

  /** Forgets a server's client (the one given, when given): the next use connects again. */
  private drop(server: string, client?: Client): void {
    const pending = this.clients.get(server);
    if (!pending) return;
    void pending.then(
      (current) => {
        if (client && current !== client) return;
        if (this.clients.get(server) === pending) this.clients.delete(server);
        void current.close().catch(() => undefined);
      },
      () => undefined,
    );
  }
}

/** The server has no such tool (any more): not worth a retry. */
export class McpUnknownTool extends Error {}

/** A JSON-RPC error answer from the server, as opposed to a connection that closed or a request that timed out. */
const isProtocolError = (err: unknown): boolean =>
  err instanceof McpError && err.code !== ErrorCode.ConnectionClosed && err.code !== ErrorCode.RequestTimeout;

function describe(err: unknown): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  const cause = error?.cause?.code ?? error?.cause?.message;
  return `${error?.message ?? String(err)}${cause && !String(error?.message).includes(cause) ? ` (${cause})` : ''}`.split('\n')[0];
}
