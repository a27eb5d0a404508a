/**
 * The traced bundle's workflow interceptors: the SDK's OpenTelemetry spans (the run, each tool
 * call, each child role), annotated with the harness's own facts, plus one span per approval gate.
 *
 * Departures from the SDK's defaults, each for "one trace per run, nothing twice":
 * - queries, updates and signals get no span: a `harness status` poll would add a span to the run
 *   for every poll, and a decision's span would hang off the approver's trace instead of the run's.
 *   The gate span records each decision as an event instead.
 * - spans are built on replay as well (same ids: the sandbox's random numbers are seeded), but
 *   leave only through the exporter sink, which the SDK does not call while replaying.
 */
import * as otel from '@opentelemetry/api';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  QueryInput,
  SignalInput,
  UpdateInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { workflowInfo } from '@temporalio/workflow';
import type { RunState, TraceEvent } from '../../shared/run';
import { toolAttributes } from '../../telemetry/tool-attributes';
import { observeRuns } from '../kernel/run-observers';

const tracer = () => otel.trace.getTracer('durable-harness');

/** What the span builder keeps for one run while its workflow is in this worker's cache. */
class RunSpans {
  runSpan: otel.Span | undefined;
  state: RunState | undefined;
  readonly gates = new Map<string, { span: otel.Span; openedAt: number }>();
  /** The last policy verdict per tool, put on that tool's next call span. */
  readonly verdicts = new Map<string, otel.Attributes>();

  onEvent(event: TraceEvent, state: RunState): void {
    this.state = state;
    const at = Date.parse(event.at);
    const data = (event.data ?? {}) as Record<string, unknown>;
    const tool = event.tool ?? '';
    switch (event.type) {
      case 'run_created':
        this.runSpan = otel.trace.getActiveSpan();
        this.runSpan?.setAttributes({ 'harness.run_id': state.runId, 'harness.workflow_type': String(data.workflowType ?? '') });
        return;
      case 'policy_applied':
        this.runSpan?.setAttribute('harness.policy.name', String(data.name));
        return;
      case 'policy_checked':
        this.verdicts.set(tool, {
          'harness.policy.name': String(data.policy),
          'harness.policy.verdict': data.approvalRequired ? 'approval_required' : 'allowed',
        });
        return;
      case 'policy_denied':
        this.runSpan?.addEvent(
          'policy_denied',
          { 'harness.tool': tool, 'harness.policy.name': String(data.policy), reason: event.message ?? '' },
          at,
        );
        return;
      case 'approval_required':
        return this.openGate(tool, at, data);
      case 'approval_recorded':
        return this.gateEvent(tool, 'approval', at, {
          'harness.approver': String(data.approver),
          'harness.approvals.still_needed': Number(data.stillNeeded ?? 0),
        });
      case 'approval_escalated':
        return this.gateEvent(tool, 'escalated', at, { 'harness.approvers.eligible': String(data.eligibleApprovers ?? '') });
      case 'approval_refused':
        return this.gateEvent(tool || [...this.gates.keys()][0], 'refused', at, { reason: event.message ?? '' });
      case 'approval_granted':
        return this.closeGate(tool, 'approved', at, String(data.approver ?? ''));
      case 'approval_rejected':
        return this.closeGate(tool, 'rejected', at, String(data.approver ?? ''));
      case 'approval_expired':
        return this.closeGate(tool, 'expired', at, 'policy');
      case 'run_paused':
        this.runSpan?.addEvent('run_paused', { 'harness.tool': tool, error: event.message ?? '' }, at);
        return;
      default:
        return;
    }
  }

  private openGate(tool: string, at: number, data: Record<string, unknown>): void {
    const parent = this.runSpan ? otel.trace.setSpan(otel.ROOT_CONTEXT, this.runSpan) : otel.context.active();
    const span = tracer().startSpan(
      `Gate:${tool}`,
      {
        startTime: at,
        attributes: {
          ...toolAttributes(tool),
          ...this.verdicts.get(tool),
          'harness.gate': Number(data.gate ?? 1),
          'harness.gate.digest': String(data.digest ?? '').slice(0, 12),
          'harness.approvals.required': Number(data.minApprovals ?? 1),
        },
      },
      parent,
    );
    this.gates.set(tool, { span, openedAt: at });
  }

  private gateEvent(tool: string, name: string, at: number, attributes: otel.Attributes): void {
    this.gates.get(tool)?.span.addEvent(name, attributes, at);
  }

  private closeGate(tool: string, outcome: string, at: number, approver: string): void {
    const gate = this.gates.get(tool);
    if (!gate) return;
    gate.span.setAttributes({
      'harness.approval.outcome': outcome,
      'harness.approval.approver': approver,
      'harness.gate.waited_ms': at - gate.openedAt,
    });
    gate.span.end(at);
    this.gates.delete(tool);
  }

  /** Ends the run's span with what the run came to. */
  annotateEnd(span: otel.Span | undefined): void {
    const state = this.state;
    if (!span || !state) return;
    span.setAttributes({
      'harness.run.status': state.status,
      'gen_ai.usage.input_tokens': state.usage.promptTokens,
      'gen_ai.usage.output_tokens': state.usage.completionTokens,
      'harness.usage.total_tokens': state.usage.totalTokens,
    });
  }
}

/** Keyed by run id: interceptor modules are shared by every workflow in the worker thread. */
const runs = new Map<string, RunSpans>();
const spansOfThisRun = () => {
  const { runId } = workflowInfo();
  let spans = runs.get(runId);
  if (!spans) runs.set(runId, (spans = new RunSpans()));
  return spans;
};

observeRuns({ event: (event, state) => spansOfThisRun().onEvent(event, state) });

class RunInbound extends OpenTelemetryInboundInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return super.execute(input, async (i) => {
      const span = otel.trace.getActiveSpan();
      try {
        return await next(i);
      } finally {
        spansOfThisRun().annotateEnd(span);
        runs.delete(workflowInfo().runId);
      }
    });
  }
  handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    return next(input);
  }
  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    return next(input);
  }
  handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    return next(input);
  }
  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    return next(input);
  }
}

/** Tool call spans (`StartActivity:<tool>`) carry the tool's contract and the policy's verdict. */
class RunOutbound extends OpenTelemetryOutboundInterceptor {
  private annotate(activityType: string): void {
    otel.trace.getActiveSpan()?.setAttributes({ ...toolAttributes(activityType), ...spansOfThisRun().verdicts.get(activityType) });
  }
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return super.scheduleActivity(input, (i) => {
      this.annotate(i.activityType);
      return next(i);
    });
  }
  scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ): Promise<unknown> {
    return super.scheduleLocalActivity(input, (i) => {
      this.annotate(i.activityType);
      return next(i);
    });
  }
}

/** A run evicted from the cache mid-flight: its spans are rebuilt when it is replayed. */
class RunInternals extends OpenTelemetryInternalsInterceptor {
  private readonly runId = workflowInfo().runId;
  dispose(...args: Parameters<OpenTelemetryInternalsInterceptor['dispose']>): Promise<void> {
    runs.delete(this.runId);
    return super.dispose(...args);
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new RunInbound()],
  outbound: [new RunOutbound()],
  internals: [new RunInternals()],
});
