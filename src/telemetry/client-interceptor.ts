/**
 * The SDK's client interceptor, minus the reads. Starts, signals, updates, cancels and terminates
 * are traced (a start span is a run's trace root); queries and describes are not, so `harness
 * status`, `watch` and `pending` polling a run add nothing to Jaeger.
 */
import type { Next, WorkflowClientInterceptor, WorkflowDescribeInput, WorkflowQueryInput } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

export class HarnessClientInterceptor extends OpenTelemetryWorkflowClientInterceptor {
  query(input: WorkflowQueryInput, next: Next<WorkflowClientInterceptor, 'query'>): Promise<unknown> {
    return next(input);
  }
  describe(input: WorkflowDescribeInput, next: Next<WorkflowClientInterceptor, 'describe'>) {
    return next(input);
  }
}
