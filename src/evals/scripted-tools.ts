/**
 * The eval worker's tools: the real ones, with what a fixture scripts for its own run layered on
 * top: the first calls of a tool fail (a flaky tool, retried by Temporal), or the offline model
 * reports a token usage (so a budget can be exceeded). Each call finds its fixture by the run's
 * workflow id, so one worker serves a whole suite.
 */
import { Context } from '@temporalio/activity';
import type { HarnessActivities, ToolName } from '../shared/tools';
import { TOOL_NAMES } from '../shared/tools';
import type { Fixture } from './fixtures';

export type ToolScripts = Fixture['tools'];

/** A retryable failure of a call the fixture scripted to fail. */
export class ScriptedFault extends Error {
  name = 'ScriptedFault';
}

export function scriptedActivities(real: HarnessActivities, scriptsOf: (workflowId: string) => ToolScripts | undefined): HarnessActivities {
  const wrapped = { ...real } as Record<string, unknown>;
  // Calls so far per run and tool: one worker serves the suite, so one count covers retries and resumes.
  const calls = new Map<string, number>();
  for (const tool of TOOL_NAMES) {
    const run = real[tool] as (input: unknown) => Promise<Record<string, unknown>>;
    wrapped[tool] = async (input: unknown) => {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
      const script = scriptsOf(workflowId)?.[tool as ToolName];
      const call = (calls.get(`${workflowId}/${tool}`) ?? 0) + 1;
      calls.set(`${workflowId}/${tool}`, call);
      if (script?.failCalls && call <= script.failCalls) throw new ScriptedFault(`${tool} call ${call} fails, as the eval fixture scripts`);
      const output = await run(input);
      if (!script?.reportsUsage || !('usage' in output)) return output;
      const { promptTokens, completionTokens } = script.reportsUsage;
      return { ...output, usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens } };
    };
  }
  return wrapped as unknown as HarnessActivities;
}
