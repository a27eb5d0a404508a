/**
 * Tools as MCP tool descriptors, the built-in ones or a user's: JSON Schemas generated from the zod
 * contracts (never written by hand), and annotations that carry each tool's category and risk.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { AnyTool, jsonSchemaOf } from '../../shared/tool-contract';
import { TOOLS, ToolName } from '../../shared/tools';

/** A tool's descriptor; a built-in one by its name. */
export function toolDescriptor(named: ToolName | AnyTool): Tool {
  const tool: AnyTool = typeof named === 'string' ? TOOLS[named] : named;
  const { name } = tool;
  return {
    name,
    title: name.replace(/_/g, ' '),
    description: tool.description,
    inputSchema: jsonSchemaOf(tool.input, 'input'),
    outputSchema: jsonSchemaOf(tool.output, 'output'),
    annotations: {
      readOnlyHint: tool.category === 'read_only',
      destructiveHint: tool.risky,
      // A retried call with the same arguments does no more than the first (finalize_report refuses a second write;
      // a tool of yours must be written so: its attempts are at least once).
      idempotentHint: true,
      // Model calls reach outside this machine when a real model is configured.
      openWorldHint: tool.category === 'model_generation',
    },
    _meta: { 'durable-harness/category': tool.category, 'durable-harness/risky': tool.risky, 'durable-harness/execution': tool.execution },
  };
}

export const toolDescriptors = (tools: readonly AnyTool[] = Object.values(TOOLS)): Tool[] => tools.map(toolDescriptor);
