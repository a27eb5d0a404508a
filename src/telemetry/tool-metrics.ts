/**
 * Tool attempt metrics, from the activity side: every attempt (local or remote) counted and timed
 * by tool and outcome. Activities never replay, so each attempt is counted once, by the worker
 * that ran it. Through the SDK runtime's meter, so they leave with its own metrics.
 */
import { Runtime, type ActivityExecuteInput, type ActivityInboundCallsInterceptor, type Next } from '@temporalio/worker';
import type { Context } from '@temporalio/activity';

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

class ToolAttemptMetrics implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { attempts, latency } = (instruments ??= createInstruments());
    const { activityType: tool, isLocal } = this.ctx.info;
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await next(input);
      outcome = 'ok';
      return result;
    } finally {
      attempts.add(1, { tool, outcome, execution: isLocal ? 'local' : 'remote' });
      latency.record((performance.now() - started) / 1000, { tool, outcome });
    }
  }
}

export const toolAttemptMetrics = (ctx: Context) => ({ inbound: new ToolAttemptMetrics(ctx) });
