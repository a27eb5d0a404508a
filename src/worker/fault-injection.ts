/**
 * Fault injection for crash tests, armed by `HARNESS_FAULT` and announced on stderr. A kill must
 * land inside a step whatever the machine's speed, so a fault holds the step rather than racing it:
 * - `crash_after_report_write`: the worker kills itself once the report is written and before
 *   finalize_report completes (the worst moment for a side effect);
 * - `hang_in:<tool>`: that tool's attempts on this worker never finish (they heartbeat until the
 *   process dies or the attempt is cancelled), so a test kills the worker inside it at leisure.
 */
import { Context } from '@temporalio/activity';
import type { HarnessEnv } from '../config/env';
import type { FinalizeHooks } from '../activities/finalize-report';
import { whileHeartbeating } from '../activities/heartbeat';
import type { HarnessActivities, ToolName } from '../shared/tools';

export interface Faults {
  finalizeHooks: FinalizeHooks;
  /** The tools with the fault applied (unchanged when none is armed). */
  apply(tools: HarnessActivities): HarnessActivities;
}

export function faultsFromEnv(env: HarnessEnv): Faults {
  const fault = env.HARNESS_FAULT;
  if (fault) process.stderr.write(`harness worker: fault injection armed: ${fault}\n`);
  if (fault === 'crash_after_report_write') {
    return { finalizeHooks: { afterWrite: () => process.kill(process.pid, 'SIGKILL') }, apply: (tools) => tools };
  }
  const hung = fault?.startsWith('hang_in:') ? (fault.slice('hang_in:'.length) as ToolName) : undefined;
  return {
    finalizeHooks: {},
    apply: (tools) => (hung ? { ...tools, [hung]: () => whileHeartbeating(() => Context.current().cancelled) } : tools),
  };
}
