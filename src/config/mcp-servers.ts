/**
 * The MCP servers a worker connects to, in the shape MCP clients already share (Claude Desktop,
 * Cursor, the SDK's examples): `{ "mcpServers": { "<name>": { "command", "args", "env" } | { "url" } } }`,
 * from the file HARNESS_MCP_SERVERS names or the worker's `mcpServers` option. An agent names the
 * servers it may use (`defineAgent({ mcpServers: ['tickets'] })`); their tools reach its model as
 * `mcp__<server>__<tool>`, under the harness's policy.
 */
import { z } from 'zod';
import { MCP_SERVER_NAME } from '../shared/mcp-tools';
import { readYamlFile } from './yaml-file';

const common = {
  /** Per call, the activity's start-to-close timeout (default 60 s). */
  timeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
};

const StdioServer = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Added to a small safe environment (the SDK's default: PATH, HOME, …), never the worker's whole one. */
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
  ...common,
});

const HttpServer = z.strictObject({
  /** A Streamable HTTP endpoint. */
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
  ...common,
});

export const McpServerConfig = z.union([StdioServer, HttpServer]);
export type McpServerConfig = z.output<typeof McpServerConfig>;
export type McpServersInput = Record<string, z.input<typeof McpServerConfig>>;

export const McpServers = z.record(z.string(), McpServerConfig).superRefine((servers, ctx) => {
  for (const name of Object.keys(servers))
    if (!MCP_SERVER_NAME.test(name))
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'a server name is lowercase words joined by single "_" (at most 24 characters)',
      });
});
export type McpServers = z.output<typeof McpServers>;

const McpServersFile = z.strictObject({ mcpServers: McpServers });

/** The servers the file declares; a mistake is one line naming the file, field and line. */
export async function readMcpServersFile(file: string): Promise<McpServers> {
  return (await readYamlFile(file, McpServersFile, 'MCP servers file', 256 * 1024)).mcpServers;
}
