/**
 * The tool registry as MCP tool descriptors: JSON Schemas generated from the zod contracts (never
 * written by hand), and annotations that carry each tool's category and risk.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { TOOLS, TOOL_NAMES, ToolName } from '../../shared/tools';

/** MCP wants plain object schemas; the generator's `$schema` line says which draft, which MCP leaves implicit. */
function schemaOf(type: z.ZodType, io: 'input' | 'output'): { type: 'object'; [key: string]: unknown } {
  const { $schema: _draft, ...schema } = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, type: 'object' };
}

export function toolDescriptor(name: ToolName): Tool {
  const tool = TOOLS[name];
  return {
    name,
    title: name.replace(/_/g, ' '),
    description: tool.description,
    inputSchema: schemaOf(tool.input, 'input'),
    outputSchema: schemaOf(tool.output, 'output'),
    annotations: {
      readOnlyHint: tool.category === 'read_only',
      destructiveHint: tool.risky,
      // A retried call with the same arguments does no more than the first (finalize_report refuses a second write).
      idempotentHint: true,
      // Model calls reach outside this machine when a real model is configured.
      openWorldHint: tool.category === 'model_generation',
    },
    _meta: { 'durable-harness/category': tool.category, 'durable-harness/risky': tool.risky, 'durable-harness/execution': tool.execution },
  };
}

export const toolDescriptors = (): Tool[] => TOOL_NAMES.map(toolDescriptor);
