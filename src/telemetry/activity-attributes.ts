/**
 * The harness's attributes on each tool attempt's span (the SDK's `RunActivity:<tool>`): which
 * tool, its category and risk, which attempt, local or remote, how it ended and the tokens it
 * used. Runs inside the SDK's activity interceptor, whose span is then the active one.
 */
import { trace, type Attributes } from '@opentelemetry/api';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { toolAttributes } from './tool-attributes';

/** Token usage by the OpenTelemetry GenAI conventions' names, and the model that reported it. */
function usageAttributes(result: unknown): Attributes {
  const { usage, provider } = (result ?? {}) as { usage?: { promptTokens?: number; completionTokens?: number } | null; provider?: string };
  return {
    ...(typeof provider === 'string' ? { 'harness.model': provider } : {}),
    ...(usage ? { 'gen_ai.usage.input_tokens': usage.promptTokens ?? 0, 'gen_ai.usage.output_tokens': usage.completionTokens ?? 0 } : {}),
  };
}

/** An ApplicationFailure's type (InvalidToolInput, ModelRejected…), else the error's class. */
const errorType = (err: unknown) => (err as { type?: string }).type ?? (err as Error).name ?? 'Error';

class ToolAttemptAttributes implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const span = trace.getActiveSpan();
    const { info } = this.ctx;
    span?.setAttributes({
      ...toolAttributes(info.activityType),
      'harness.attempt': info.attempt,
      'harness.execution': info.isLocal ? 'local' : 'remote',
      'harness.workflow_id': info.workflowExecution?.workflowId ?? '',
    });
    try {
      const result = await next(input);
      span?.setAttributes({ 'harness.outcome': 'ok', ...usageAttributes(result) });
      return result;
    } catch (err) {
      span?.setAttributes({ 'harness.outcome': 'error', 'harness.error_type': errorType(err) });
      throw err;
    }
  }
}

export const harnessActivityAttributes = (ctx: Context) => ({ inbound: new ToolAttemptAttributes(ctx) });
