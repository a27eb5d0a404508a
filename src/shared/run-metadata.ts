/**
 * A run's fixed description in Temporal Web ("Summary" and "Details" on the run page, user
 * metadata set at start), so the list and the page say what the run is without opening its input.
 */
import type { RunInput } from './run';

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function runModeOf(input: Pick<RunInput, 'options'>): string {
  const { multiAgent, execution } = input.options ?? {};
  return [multiAgent ? 'roles (planner, executor, reviewer)' : 'single loop', execution ? `tools ${execution}` : null]
    .filter(Boolean)
    .join(', ');
}

export function runStaticSummary(input: RunInput): string {
  return clip(`research "${clip(input.topic, 80)}" · policy ${input.policy?.name ?? 'worker default'} · ${runModeOf(input)}`, 200);
}

export function runStaticDetails(input: RunInput): string {
  const titles = input.sources.slice(0, 5).map((s) => `- ${clip(s.title, 80)}`);
  const more = input.sources.length > 5 ? [`- … and ${input.sources.length - 5} more`] : [];
  // Markdown: fields as list items, then the sources as a list of their own.
  return [
    `- **Topic:** ${clip(input.topic, 500)}`,
    `- **Policy:** ${input.policy ? `${input.policy.name} (${input.policyDigest?.slice(0, 12) ?? 'no digest'})` : "the worker's default"}`,
    `- **Mode:** ${runModeOf(input)}`,
    `- **Started by:** ${input.startedBy ?? 'unknown'}`,
    '',
    `**Sources (${input.sources.length}):**`,
    '',
    ...titles,
    ...more,
  ].join('\n');
}
