/**
 * A tool call as the model wrote it, checked before anything runs: a tool of the agent's set, JSON
 * arguments, arguments its input schema takes. Whatever the model wrote is input, never authority:
 * a call that fails a check becomes a tool error the model is shown, never a failed workflow task.
 */
import type { ModelToolCall } from '../../shared/agent-model';
import { AnyTool, describeZodError, InputOf, ToolCatalog } from '../../shared/tool-contract';

export type CheckedCall = { ok: true; tool: AnyTool; args: InputOf<AnyTool> } | { ok: false; error: string };

export function checkModelCall(call: ModelToolCall, toolset: ToolCatalog): CheckedCall {
  const tool = toolset.get(call.name);
  if (!tool) {
    const name = call.name.length > 64 ? `${call.name.slice(0, 63)}…` : call.name;
    return { ok: false, error: `unknown tool ${JSON.stringify(name)}: this agent's tools are ${[...toolset.keys()].join(', ') || 'none'}` };
  }
  let args: unknown;
  try {
    // Some endpoints send "" for a call without arguments.
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch (err) {
    return { ok: false, error: `${tool.name}: the arguments are not valid JSON (${(err as Error).message})` };
  }
  const parsed = tool.input.safeParse(args);
  if (!parsed.success) return { ok: false, error: `${tool.name}: invalid arguments: ${describeZodError(parsed.error)}` };
  return { ok: true, tool, args: parsed.data };
}
