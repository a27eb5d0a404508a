/**
 * What a worker registers beside (or instead of) the harness's own: the user's tool
 * implementations and workflows module, each checked once at start so a mistake is one line
 * before any task is polled, not a workflow task that fails forever.
 */
import type { ToolImplementation } from '../activities/define-tool-activity';
import { workflowsModule } from '../config/user-modules';
import { checkedForWorker, ToolCatalog, ToolRegistrationError } from '../shared/tool-contract';
import { MODEL_TURN } from '../shared/agent-model';
import { TOOLS } from '../shared/tools';
import type { McpServers } from '../config/mcp-servers';

export interface RegisteredTools {
  catalog: ToolCatalog;
  /** The user's activities, by tool name. */
  activities: Record<string, (input: never) => Promise<unknown>>;
}

/**
 * The worker's tools: the built-in ones (unless left out), an agent's model turn (always: any
 * workflow module may declare an agent) and the user's, no two of one name.
 */
export function registerTools(implementations: readonly ToolImplementation[], builtins: boolean): RegisteredTools {
  const user = implementations.map((implementation) => implementation.tool);
  const catalog = checkedForWorker([...(builtins ? Object.values(TOOLS) : []), MODEL_TURN, ...user]);
  const activities = Object.fromEntries(implementations.map(({ tool, activity }) => [tool.name, activity]));
  return { catalog, activities: activities as RegisteredTools['activities'] };
}

/**
 * Checks each declared workflow of the module: exported under its own name, and every tool it
 * declares implemented by this worker. Returns the workflow types the module exports.
 */
export function checkWorkflowsModule(workflowsPath: string, catalog: ToolCatalog, mcpServers: McpServers = {}): string[] {
  const { types, declared } = workflowsModule(workflowsPath, 'workflows module');
  for (const [type, workflow] of declared) {
    if (workflow.declaration.name !== type)
      throw new ToolRegistrationError(
        `workflow "${workflow.declaration.name}" is exported as "${type}": Temporal names a workflow by its export, so they must match`,
      );
    for (const name of workflow.tools.keys())
      if (!catalog.has(name))
        throw new ToolRegistrationError(`workflow "${type}" declares tool "${name}", which this worker does not implement`);
    const servers = 'agent' in workflow ? ((workflow.agent as { mcpServers?: readonly string[] }).mcpServers ?? []) : [];
    for (const server of servers)
      if (!Object.hasOwn(mcpServers, server))
        throw new ToolRegistrationError(
          `agent "${type}" uses MCP server "${server}", which this worker does not configure (HARNESS_MCP_SERVERS or the mcpServers option)`,
        );
  }
  return types;
}
