/**
 * The activities behind MCP tools: `mcp_list_tools` (an agent's servers' tools, once per turn) and
 * every `mcp__<server>__<tool>` call, taken by the worker's dynamic activity (Temporal's `default`
 * handler), so each call shows in history and Temporal Web under the tool's own name. A call is
 * checked against the schema the server lists now: a schema that changed since the model saw it
 * is refused with the new schema's words, before the server is called.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { implementTool } from '../define-tool-activity';
import { MCP_ERRORS, MCP_LIST_TOOLS, mcpServerOf, McpListRequest, mcpToolContract } from '../../shared/mcp-tools';
import { McpConnections, McpUnavailable, McpUnknownTool } from './mcp-connections';

/** The text of a server's content blocks, for an error message. */
const textOf = (content: unknown[]) =>
  content
    .map((block) => (block && typeof block === 'object' && 'text' in block ? String((block as { text: unknown }).text) : ''))
    .join('\n')
    .trim()
    .slice(0, 2_000) || 'the tool reported an error';

export function mcpActivities(connections: McpConnections) {
  async function callMcpTool(input: unknown): Promise<unknown> {
    const { activityType: name, heartbeatTimeoutMs } = Context.current().info;
    const server = mcpServerOf(name);
    if (server === null || !connections.has(server))
      throw ApplicationFailure.nonRetryable(`Activity function ${name} is not registered on this worker`, 'NotFoundError');
    let listed;
    try {
      listed = await connections.listedTool(server, name);
    } catch (err) {
      throw toFailure(err);
    }
    const tool = { ...mcpToolContract(listed, connections.timeoutOf(server)), heartbeatTimeoutMs };
    const implementation = implementTool(tool, async (args) => {
      const answer = await connections
        .call(server, listed, args as Record<string, unknown>, Context.current().cancellationSignal)
        .catch((err: unknown) => Promise.reject(toFailure(err)));
      if (answer.isError) throw ApplicationFailure.nonRetryable(`${name}: ${textOf(answer.content)}`, MCP_ERRORS.toolError);
      return { content: answer.content, ...(answer.structuredContent ? { structuredContent: answer.structuredContent } : {}) };
    });
    return implementation.activity(input as never);
  }
  return {
    [MCP_LIST_TOOLS]: (request: McpListRequest) => connections.list(request.servers, request.knownDigest),
    default: callMcpTool,
  };
}

function toFailure(err: unknown): unknown {
  if (err instanceof McpUnknownTool) return ApplicationFailure.nonRetryable(err.message, MCP_ERRORS.unknownTool);
  if (err instanceof McpUnavailable) return ApplicationFailure.retryable(err.message, MCP_ERRORS.unavailable);
  return err;
}
