/** Renders tools as a markdown table (docs/tools-and-workflows.md, from the built-in ones), so the docs cannot drift from the code. */
import type { AnyTool } from './tool-contract';
import { TOOLS } from './tools';

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${ms / 1000}s`);

export function toolTable(tools: readonly AnyTool[] = Object.values(TOOLS)): string {
  const rows = tools.map((t) => {
    const { name } = t;
    const r = t.retry;
    const retry = `${r.maximumAttempts} attempts, ${r.initialIntervalMs} ms ×${r.backoffCoefficient} (max ${r.maximumIntervalMs / 1000}s); never: ${r.nonRetryableErrorTypes.join(', ')}`;
    return `| \`${name}\` | ${t.category} | ${t.risky ? '**yes**' : 'no'} | ${t.execution} | ${seconds(t.startToCloseTimeoutMs)} | ${t.execution === 'local' ? '- (local)' : seconds(t.heartbeatTimeoutMs)} | ${retry} | ${t.description} |`;
  });
  return [
    '| tool (activity type) | category | risky | runs as | start-to-close | heartbeat | retry policy | what it does |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
