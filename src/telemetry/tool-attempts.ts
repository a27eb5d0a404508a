/**
 * Every tool attempt (local or remote), from the activity side: counted and timed by tool and
 * outcome through the SDK runtime's meter, and logged once through the activity's logger (which
 * adds workflow id, run id, tool and attempt). Activities never replay, so nothing is twice.
 */
import { Runtime, type ActivityExecuteInput, type ActivityInboundCallsInterceptor, type Next } from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import { TOOLS } from '../shared/tools';

let instruments: ReturnType<typeof createInstruments> | undefined;

function createInstruments() {
  const meter = Runtime.instance().metricMeter;
  return {
    attempts: meter.createCounter(
      'harness_tool_attempts',
      'attempts',
      'Tool attempts by tool, outcome (ok, error) and execution (local, remote)',
    ),
    latency: meter.createHistogram('harness_tool_attempt_seconds', 'float', 's', 'Tool attempt latency by tool and outcome'),
  };
}

class ToolAttempts implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { attempts, latency } = (instruments ??= createInstruments());
    const { activityType: tool, isLocal } = this.ctx.info;
    // Tools only: the worker's own activities (load_default_policy) are not agent actions.
    if (!(tool in TOOLS)) return next(input);
    const execution = isLocal ? 'local' : 'remote';
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await next(input);
      outcome = 'ok';
      return result;
    } catch (err) {
      this.ctx.log.warn(`tool attempt failed: ${(err as Error).message}`, { execution, error: (err as Error).name });
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      attempts.add(1, { tool, outcome, execution });
      latency.record(seconds, { tool, outcome });
      if (outcome === 'ok') this.ctx.log.info('tool attempt ok', { execution, durationMs: Math.round(seconds * 1000) });
    }
  }
}

export const toolAttempts = (ctx: Context) => ({ inbound: new ToolAttempts(ctx) });
