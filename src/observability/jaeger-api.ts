/** Reads traces back from Jaeger's HTTP query API (the one its UI uses): tests and the screenshot script. */

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: { key: string; value: unknown }[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
}

/** Every trace of the service holding a span with this workflow id (the client's start span carries it). */
export async function tracesOfWorkflow(uiUrl: string, workflowId: string, service = 'durable-harness'): Promise<JaegerTrace[]> {
  const query = new URLSearchParams({ service, tags: JSON.stringify({ temporalWorkflowId: workflowId }), limit: '20', lookback: '1h' });
  const response = await fetch(`${uiUrl}/api/traces?${query}`);
  if (!response.ok) throw new Error(`jaeger answered ${response.status} for ${workflowId}`);
  return ((await response.json()) as { data: JaegerTrace[] | null }).data ?? [];
}

export const tagOf = (span: JaegerSpan, key: string): unknown => span.tags.find((t) => t.key === key)?.value;

export const parentOf = (span: JaegerSpan): string | undefined => span.references.find((r) => r.refType === 'CHILD_OF')?.spanID;

/** Every span name Jaeger has seen from the service: a phantom span shows up here whatever its trace. */
export async function operationsOf(uiUrl: string, service = 'durable-harness'): Promise<string[]> {
  const response = await fetch(`${uiUrl}/api/services/${encodeURIComponent(service)}/operations`);
  if (!response.ok) throw new Error(`jaeger answered ${response.status} for the operations of ${service}`);
  return ((await response.json()) as { data: string[] | null }).data ?? [];
}
