/**
 * OpenTelemetry tracing for every process that talks to Temporal, configured the OpenTelemetry
 * way (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER…). Off when no OTLP
 * endpoint is set: then nothing is loaded and no interceptor is installed.
 *
 * One trace per run: the client's start span travels to the workflow in Temporal headers, the
 * workflow's spans (exported through a sink, never while replaying) carry it to every activity.
 */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { harnessActivityAttributes } from './activity-attributes';

export const DEFAULT_SERVICE_NAME = 'durable-harness';

/** Who is tracing: one value of the `harness.component` resource attribute. */
export type TracedComponent = 'cli' | 'worker' | 'bench' | 'mcp';

/**
 * The SDK's interceptors, composed by hand rather than through its plugin: the workflow side lives
 * in a bundle of its own (see workflows/observers/tracing-interceptors.ts), and the activity side needs the
 * harness's attributes inside the SDK's span.
 */
export interface Tracing {
  clientInterceptors: WorkflowClientInterceptor[];
  activityInterceptors: ActivityInterceptorsFactory[];
  /** Workflow spans leave the sandbox through this sink, which the SDK never calls while replaying. */
  workflowSinks: InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }>;
  /** Sends what is buffered; a short-lived CLI calls it before it exits. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The OpenTelemetry conventions: an OTLP endpoint turns tracing on; OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none keep it off. */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

let current: Tracing | null | undefined;

/** The process's tracing, started on first use; null when it is off. */
export function processTracing(component: TracedComponent, env: NodeJS.ProcessEnv = process.env): Tracing | null {
  if (current === undefined) current = tracingEnabled(env) ? startTracing(component) : null;
  return current;
}

/** Flushes the process's spans, if it traces at all (the CLI calls this on its way out). */
export async function flushTracing(): Promise<void> {
  await current?.flush();
}

function startTracing(component: TracedComponent): Tracing {
  // Loaded only when tracing is on, so an untraced CLI starts no slower.
  const { Resource, detectResourcesSync, envDetectorSync } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const otel = require('@temporalio/interceptors-opentelemetry') as typeof import('@temporalio/interceptors-opentelemetry');

  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over our defaults.
  const resource = new Resource({ 'service.name': DEFAULT_SERVICE_NAME, 'harness.component': component }).merge(
    detectResourcesSync({ detectors: [envDetectorSync] }),
  );
  // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS, the processor OTEL_BSP_*,
  // the provider OTEL_TRACES_SAMPLER(_ARG).
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Global: the SDK's client and activity interceptors take their tracer and propagator from the API.
  provider.register();
  return {
    // Required here, not at the top: it loads the SDK's interceptors, which only a tracing process needs.
    clientInterceptors: [new (require('./client-interceptor') as typeof import('./client-interceptor')).HarnessClientInterceptor()],
    activityInterceptors: [
      // The SDK's span first, so the harness's interceptor runs inside it and can annotate it.
      (ctx) => ({
        inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
      harnessActivityAttributes,
    ],
    workflowSinks: { exporter: otel.makeWorkflowExporter(spanProcessor, resource) },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
