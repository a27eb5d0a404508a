/**
 * How a tool runs: `remote`, a regular activity the server schedules (its own history events,
 * heartbeats, pending-activity info, `temporal activity pause`), or `local`, a local activity the
 * worker runs inside the workflow task (one marker in history, no server round trip per step).
 * The registry declares a default per tool; the policy may override it per tool, and a run per
 * tool or for all tools at once. Pure: the workflow resolves it from its input.
 */
import { z } from 'zod';
import type { AnyTool } from './tool-contract';
import { TOOLS, TOOL_NAMES, ToolName } from './tools';

export const EXECUTION_MODES = ['local', 'remote'] as const;
export const ToolExecution = z.enum(EXECUTION_MODES);
export type ToolExecution = z.infer<typeof ToolExecution>;

/** A run's override: one mode for every tool, or a mode per tool (tools not named keep the policy's or registry's). */
export const RunExecution = z.union([
  ToolExecution,
  z
    .object(
      Object.fromEntries(TOOL_NAMES.map((name) => [name, ToolExecution.optional()])) as Record<
        ToolName,
        z.ZodOptional<typeof ToolExecution>
      >,
    )
    .strict(),
]);
export type RunExecution = z.infer<typeof RunExecution>;

/** The mode a tool runs in: the run's choice, else the policy's, else the tool's own. */
export function executionOf(
  named: Pick<AnyTool, 'name' | 'execution'> | ToolName,
  policyChoice: ToolExecution | undefined,
  runChoice: RunExecution | undefined,
): ToolExecution {
  const tool = typeof named === 'string' ? TOOLS[named] : named;
  const fromRun =
    typeof runChoice === 'string' ? runChoice : (runChoice as Partial<Record<string, ToolExecution>> | undefined)?.[tool.name];
  return fromRun ?? policyChoice ?? tool.execution;
}

/**
 * Parses `--execution` text: `local`, `remote`, or `tool=mode,...` (e.g. `draft_report=local`).
 * Throws one line naming what is wrong.
 */
export function parseRunExecution(text: string): RunExecution {
  const all = ToolExecution.safeParse(text.trim());
  if (all.success) return all.data;
  const perTool: Partial<Record<ToolName, ToolExecution>> = {};
  for (const part of text.split(',')) {
    const [tool, mode, extra] = part.split('=').map((s) => s.trim());
    if (!(TOOL_NAMES as string[]).includes(tool) || extra !== undefined)
      throw new Error(
        `invalid execution "${part.trim()}": use local, remote, or tool=local|remote with a tool from ${TOOL_NAMES.join(', ')}`,
      );
    const parsed = ToolExecution.safeParse(mode);
    if (!parsed.success) throw new Error(`invalid execution "${part.trim()}": the mode must be local or remote`);
    perTool[tool as ToolName] = parsed.data;
  }
  return perTool;
}
