/** A tool's span attributes from its contract: pure, shared by the worker and the workflow sandbox. */
import type { Attributes } from '@opentelemetry/api';
import { TOOLS, type ToolName } from '../shared/tools';

export function toolAttributes(tool: string): Attributes {
  const contract = TOOLS[tool as ToolName];
  if (!contract) return {};
  return { 'harness.tool': tool, 'harness.tool.category': contract.category, 'harness.tool.risk': contract.risky ? 'risky' : 'safe' };
}
