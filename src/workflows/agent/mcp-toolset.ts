/**
 * An agent's MCP tools, listed before each model turn: the servers' tools join the agent's own
 * under `mcp__<server>__<tool>`, a server that cannot be listed offers nothing that turn (and a
 * call to one of its tools is refused with why), and a listing that changed is traced. The
 * listing is an activity; an unchanged one comes back as its digest alone, so a long session's
 * history holds each shape of the servers' tools once.
 */
import { proxyActivities } from '@temporalio/workflow';
import {
  MCP_CALL_TIMEOUT_MS,
  McpListRequest,
  McpListResult,
  McpServerListing,
  mcpServerOf,
  mcpToolContract,
  MCP_LIST_TOOLS,
} from '../../shared/mcp-tools';
import type { AnyTool } from '../../shared/tool-contract';
import type { RunRecorder } from '../kernel/run-recorder';

const activities = proxyActivities<Record<typeof MCP_LIST_TOOLS, (request: McpListRequest) => Promise<unknown>>>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3 },
  summary: "list the MCP servers' tools",
});

export class McpToolset {
  private digest: string | null = null;
  private listings: McpServerListing[] = [];

  constructor(
    private readonly servers: readonly string[],
    private readonly run: RunRecorder,
    /** The agent's tools by name: the servers' tools are put in and taken out here. */
    private readonly tools: Map<string, AnyTool>,
  ) {}

  /** Lists the servers' tools; true when the agent's toolset changed. */
  async refresh(): Promise<boolean> {
    let listed: McpListResult;
    try {
      const parsed = McpListResult.safeParse(await activities[MCP_LIST_TOOLS]({ servers: [...this.servers], knownDigest: this.digest }));
      listed = parsed.success ? parsed.data : this.allDown(`the listing was not understood: ${parsed.error.issues[0]?.message}`);
    } catch (err) {
      listed = this.allDown(`no worker could list them: ${(err as Error).message}`);
    }
    if (listed.servers === null || listed.digest === this.digest) return false;
    const before = new Map(this.listings.flatMap((s) => s.tools.map((tool) => [tool.name, JSON.stringify(tool)] as const)));
    this.digest = listed.digest;
    this.listings = listed.servers;
    for (const name of [...this.tools.keys()]) if (mcpServerOf(name) !== null) this.tools.delete(name);
    const changed: string[] = [];
    for (const server of this.listings)
      for (const tool of server.tools) {
        this.tools.set(tool.name, mcpToolContract(tool, server.timeoutMs));
        if (before.has(tool.name) && before.get(tool.name) !== JSON.stringify(tool)) changed.push(tool.name);
      }
    this.run.event('mcp_tools_listed', {
      data: {
        servers: this.listings.map(({ server, ok, error, tools, skipped }) => ({
          server,
          ok,
          tools: tools.map((tool) => tool.name),
          ...(error ? { error } : {}),
          ...(skipped.length ? { skipped } : {}),
        })),
        ...(changed.length ? { changed } : {}),
      },
    });
    return true;
  }

  /** Why a call to this name cannot be made now, when its server is one of the agent's and is down. */
  unavailable(name: string): string | null {
    const server = mcpServerOf(name);
    const listing = this.listings.find((s) => s.server === server);
    return listing && !listing.ok ? `${name}: MCP server ${server} is unavailable: ${listing.error}` : null;
  }

  private allDown(error: string): McpListResult {
    return {
      digest: `down:${error}`,
      servers: this.servers.map((server) => ({ server, ok: false, error, timeoutMs: MCP_CALL_TIMEOUT_MS, tools: [], skipped: [] })),
    };
  }
}
