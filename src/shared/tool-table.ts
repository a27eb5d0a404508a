/** Renders the tool registry as the README's markdown table, so the docs cannot drift from the code. */
import { TOOLS, TOOL_NAMES } from './tools';

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${ms / 1000}s`);

export function toolTable(): string {
  const rows = TOOL_NAMES.map((name) => {
    const t = TOOLS[name];
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
