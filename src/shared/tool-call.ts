/**
 * One tool call as a short durable workflow (`harness mcp call`): the tool's own contract, retry
 * policy and mode, the policy check and, when the policy says so, the approval gate. The same
 * queries and decisions as a research run, so `harness approve` decides it.
 */
import { z } from 'zod';
import { PersonName } from './identity';
import { Policy } from './policy';
import type { RunResult } from './run';
import { TOOL_NAMES, ToolName } from './tools';

export { TOOL_CALL_WORKFLOW_TYPE } from './constants';

export const ToolCallInput = z
  .object({
    tool: z.enum(TOOL_NAMES as [ToolName, ...ToolName[]]),
    args: z.record(z.string(), z.unknown()),
    policy: Policy.optional(),
    policyDigest: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    startedBy: PersonName.optional(),
  })
  .strict();
export type ToolCallInput = z.input<typeof ToolCallInput>;

/** The run's closing state and what the tool returned. */
export type ToolCallResult = RunResult & { output: unknown };
