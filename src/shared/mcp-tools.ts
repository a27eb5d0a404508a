/**
 * MCP tools as harness tools: what a server lists (`tools/list`: name, description, input schema,
 * annotations) becomes a tool contract the kernel's one path takes like any other, named
 * `mcp__<server>__<tool>` so a policy can name it. A server's annotations are its own claim: a tool
 * is read-only (no gate) only when it says so; anything else is an external write and risky, so it
 * is gated unless the policy says otherwise. Pure and sandbox-safe: the agent builds these in the workflow.
 */
import { z } from 'zod';
import { ActionCategory, AnyTool, defineTool, retryPolicy, TOOL_NAME } from './tool-contract';

/** Lowercase words joined by single "_": `mcp__<server>__<tool>` then reads back unambiguously. */
export const MCP_SERVER_NAME = /^(?=.{1,24}$)[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
export const MCP_TOOL_PREFIX = 'mcp__';

/** A call's start-to-close timeout when the server's configuration names none. */
export const MCP_CALL_TIMEOUT_MS = 60_000;

/** The activity that lists the agent's servers' tools (not a tool: the harness's own plumbing, like loading the policy). */
export const MCP_LIST_TOOLS = 'mcp_list_tools';

/** Error types of an MCP call: the tool said it failed (`isError`), or the server could not be reached or refused the call. */
export const MCP_ERRORS = { toolError: 'McpToolError', unavailable: 'McpServerUnavailable', unknownTool: 'McpUnknownTool' } as const;

/** The harness's name for a server's tool, or null when it cannot have one (the result would pass 64 characters). */
export function mcpToolName(server: string, tool: string): string | null {
  const name = `${MCP_TOOL_PREFIX}${server}__${tool.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  return TOOL_NAME.test(name) ? name : null;
}

/** The server a harness name belongs to, or null when it is no MCP tool's name. */
export function mcpServerOf(name: string): string | null {
  if (!name.startsWith(MCP_TOOL_PREFIX)) return null;
  const end = name.indexOf('__', MCP_TOOL_PREFIX.length);
  return end > MCP_TOOL_PREFIX.length ? name.slice(MCP_TOOL_PREFIX.length, end) : null;
}

const Annotations = z
  .object({
    title: z.string().optional(),
    readOnlyHint: z.boolean().optional(),
    destructiveHint: z.boolean().optional(),
    idempotentHint: z.boolean().optional(),
    openWorldHint: z.boolean().optional(),
  })
  .catch({});

export const McpListedTool = z.object({
  /** The harness's name (`mcp__<server>__<tool>`). */
  name: z.string().regex(TOOL_NAME),
  /** The server's own name for it, which the call uses. */
  mcpName: z.string().min(1).max(256),
  description: z.string().max(4_096),
  inputSchema: z.record(z.string(), z.unknown()),
  annotations: Annotations,
});
export type McpListedTool = z.output<typeof McpListedTool>;

export const McpServerListing = z.object({
  server: z.string(),
  /** False: the server could not be reached or listed; `error` says why and it offers no tool this turn. */
  ok: z.boolean(),
  error: z.string().max(1_000).optional(),
  timeoutMs: z.number().int().positive(),
  tools: z.array(McpListedTool),
  /** Tools the harness cannot offer (a name too long, two names alike), with why. */
  skipped: z.array(z.string().max(300)).default([]),
});
export type McpServerListing = z.output<typeof McpServerListing>;

export interface McpListRequest {
  servers: string[];
  /** The digest of the listing the workflow holds: an unchanged listing comes back as `servers: null`. */
  knownDigest: string | null;
}
export const McpListResult = z.object({ digest: z.string(), servers: z.array(McpServerListing).nullable() });
export type McpListResult = z.output<typeof McpListResult>;

/** What a call returns: the server's content blocks and its structured content, as MCP gives them. */
export const McpCallOutput = z.object({
  content: z.array(z.unknown()),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
});

/** Read-only only on the server's word; everything else may change the world and is risky (gated unless the policy says not). */
export function mcpCategory(annotations: McpListedTool['annotations']): { category: ActionCategory; risky: boolean } {
  return annotations.readOnlyHint === true ? { category: 'read_only', risky: false } : { category: 'external_write', risky: true };
}

/** The schema a model's arguments are checked against: the server's, or any object when it cannot be read as zod. */
function inputOf(schema: Record<string, unknown>): z.ZodObject {
  try {
    const parsed = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    if (parsed instanceof z.ZodObject) return parsed;
  } catch {
    // The server checks its own input too; a schema zod cannot read is left to it.
  }
  return z.looseObject({});
}

/**
 * A listed tool as a harness tool: its schema checks the model's arguments before any gate; a call
 * that may have acted is not retried blindly (one attempt unless the server says it is read-only
 * or idempotent); the server's `isError` answer is final.
 */
export function mcpToolContract(listed: McpListedTool, timeoutMs: number): AnyTool {
  const { category, risky } = mcpCategory(listed.annotations);
  const repeatable = listed.annotations.readOnlyHint === true || listed.annotations.idempotentHint === true;
  // The draft line is left implicit, as for the harness's own tools' schemas.
  const { $schema: _draft, ...shown } = listed.inputSchema;
  return defineTool({
    name: listed.name,
    description: listed.description || listed.annotations.title || listed.mcpName,
    category,
    risky,
    input: inputOf(listed.inputSchema),
    output: McpCallOutput,
    inputJsonSchema: { ...shown, type: 'object' },
    startToCloseTimeoutMs: timeoutMs,
    retry: retryPolicy(repeatable ? 3 : 1, 1_000, [MCP_ERRORS.toolError, MCP_ERRORS.unknownTool]),
  }) as AnyTool;
}
