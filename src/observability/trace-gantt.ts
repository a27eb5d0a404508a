/**
 * A trace from Jaeger's query API as a Mermaid Gantt chart: one bar per span on the run's own
 * time axis, one section per kind (client, workflow, tool calls, tool attempts, gates). The observability page's
 * picture of a trace, since the Jaeger UI's assets are not in the binary built here.
 */
import type { JaegerSpan, JaegerTrace } from './jaeger-api';

const SECTIONS: [string, RegExp][] = [
  ['client', /^Start(Workflow|WorkflowUpdate|ChildWorkflow)/],
  ['workflow', /^RunWorkflow/],
  ['gates', /^Gate:/],
  ['tool calls', /^StartActivity/],
  ['tool attempts', /^RunActivity/],
];

/** Gantt task names may not hold a colon. */
const label = (span: JaegerSpan) => span.operationName.replace(/:/g, ' ');

export function traceToGantt(trace: JaegerTrace, title: string): string {
  const origin = Math.min(...trace.spans.map((s) => s.startTime));
  const lines = ['gantt', `  title ${title.replace(/[:#;]/g, ' ')}`, '  dateFormat x', '  axisFormat %M:%S.%L'];
  for (const [section, pattern] of SECTIONS) {
    const spans = trace.spans.filter((s) => pattern.test(s.operationName)).sort((a, b) => a.startTime - b.startTime);
    if (!spans.length) continue;
    lines.push(`  section ${section}`);
    spans.forEach((span) => {
      // Jaeger reports microseconds; a bar needs at least a millisecond to show.
      const start = Math.round((span.startTime - origin) / 1000);
      const end = start + Math.max(1, Math.round(span.duration / 1000));
      lines.push(`  ${label(span)} :${start}, ${end}`);
    });
  }
  return lines.join('\n');
}
