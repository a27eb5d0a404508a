/** Telemetry follows the OpenTelemetry conventions and is off unless configured; a JSON log line survives anything the SDK hands it. */
import { tracingEnabled } from '../../src/telemetry/tracing';
import { jsonLine } from '../../src/telemetry/worker-runtime';

test('tracing is on with an OTLP endpoint, off without one or when the conventions say so', () => {
  expect(tracingEnabled({})).toBe(false);
  expect(tracingEnabled({ OTEL_SERVICE_NAME: 'x' })).toBe(false);
  expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
  expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
  expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
});

test('a JSON log line: time, level, message, the attributes, `tool` beside `activityType`, errors and bigints kept readable', () => {
  const line = jsonLine({
    message: 'tool attempt failed',
    level: 'WARN',
    timestampNanos: 1_795_000_000_123_000_000n,
    meta: { activityType: 'draft_report', attempt: 2, error: new TypeError('boom'), big: 12n },
  });
  expect(JSON.parse(line)).toEqual({
    time: '2026-11-18T11:06:40.123Z',
    level: 'WARN',
    message: 'tool attempt failed',
    activityType: 'draft_report',
    tool: 'draft_report',
    attempt: 2,
    error: { name: 'TypeError', message: 'boom' },
    big: '12',
  });
});
