/**
 * `harness policy --import`: a policy of the seed harness (JSON: enabled tools, allowed write roots,
 * action categories, approval flags) as our YAML, with a note for everything that does not carry
 * over. Nothing is dropped silently: every key is either mapped or named in a note.
 */
import path from 'node:path';
import { Document, parse } from 'yaml';
import { z } from 'zod';
import { canonicalJson } from '../shared/digest';
import { Policy } from '../shared/policy';
import { TOOLS, ToolName } from '../shared/tools';
import { describeZodError } from '../shared/tool-contract';
import { ConfigError } from './env';

/**
 * The seed's tool names, where they differ from ours; a name missing here has no counterpart. A
 * Map: a name from the file (`constructor`, `__proto__`) is looked up as data, never as a property.
 */
const SEED_TOOLS = new Map<string, ToolName>([
  ['search_mock', 'search_sources'],
  ['extract_facts', 'extract_facts'],
  ['draft_report', 'draft_report'],
  ['finalize_report', 'finalize_report'],
]);

/** A name or path from the file as a note shows it: as is when plain, else quoted (no newline or escape reaches a terminal or a comment). */
const shown = (text: string): string => (/^[\w./-]{1,200}$/.test(text) ? text : JSON.stringify(text.slice(0, 200)));

/** The seed's own store folder: its write roots are resolved against it, ours against the output root. */
const SEED_RUNS_DIR = '.runs';

const SeedToolPolicy = z
  .object({
    enabled: z.boolean().optional(),
    action_category: z.string().optional(),
    allowed_output_roots: z.array(z.string()).optional(),
    requires_approval: z.boolean().optional(),
    risky: z.boolean().optional(),
  })
  .passthrough();

const SeedPolicy = z
  .object({
    version: z.number().optional(),
    default_allowed_write_roots: z.array(z.string()).optional(),
    // Checked entry by entry below: a record schema would copy `__proto__` into a prototype and lose it.
    tool_policies: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/** The file's own keys of `tool_policies`, `__proto__` included (JSON.parse makes it an own key). */
function toolPoliciesOf(raw: unknown): [string, unknown][] {
  const policies = raw && typeof raw === 'object' ? (raw as { tool_policies?: unknown }).tool_policies : undefined;
  return policies && typeof policies === 'object' ? Object.keys(policies).map((k) => [k, (policies as Record<string, unknown>)[k]]) : [];
}

export interface ImportedPolicy {
  policy: Policy;
  yaml: string;
  notes: string[];
}

/** A seed write root as a root under our output root, or null when it lies outside the seed's runs folder. */
function writeRootOf(root: string): string | null {
  const normalized = path.posix.normalize(root.replace(/\\/g, '/')).replace(/\/$/, '');
  if (normalized === SEED_RUNS_DIR || normalized === `./${SEED_RUNS_DIR}`) return '.';
  const inside = normalized.replace(/^\.\//, '');
  if (inside.startsWith(`${SEED_RUNS_DIR}/`) && !inside.split('/').includes('..')) return inside.slice(SEED_RUNS_DIR.length + 1);
  return null;
}

export function importSeedPolicy(raw: unknown, source: string): ImportedPolicy {
  const parsed = SeedPolicy.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${source}: not a seed policy: ${describeZodError(parsed.error)}`);
  const seed = parsed.data;
  const notes: string[] = [];
  const tools: Record<string, Record<string, unknown>> = {};
  for (const key of Object.keys(raw as object)) {
    if (!['version', 'default_allowed_write_roots', 'tool_policies'].includes(key))
      notes.push(`${shown(key)}: not a seed policy field we know; ignored`);
  }
  for (const [seedName, value] of toolPoliciesOf(raw)) {
    const name = SEED_TOOLS.get(seedName);
    if (!name) {
      notes.push(`tool_policies.${shown(seedName)}: no such tool in this harness; not mapped`);
      continue;
    }
    const checked = SeedToolPolicy.safeParse(value);
    if (!checked.success) {
      const issues = checked.error.issues.map((issue) => ({ ...issue, path: ['tool_policies', seedName, ...issue.path] }));
      throw new ConfigError(`${source}: not a seed policy: ${describeZodError({ ...checked.error, issues } as typeof checked.error)}`);
    }
    const rules = checked.data;
    const tool = TOOLS[name];
    const entry: Record<string, unknown> = {};
    if (rules.enabled !== undefined) entry.enabled = rules.enabled;
    if (rules.action_category !== undefined && rules.action_category !== tool.category)
      notes.push(
        `tool_policies.${seedName}.action_category: ${shown(rules.action_category)} cannot change ${name}'s category (${tool.category}, fixed by the tool registry)`,
      );
    if (rules.risky !== undefined && rules.risky !== tool.risky)
      notes.push(
        `tool_policies.${seedName}.risky: ${rules.risky} cannot change ${name}'s risk (${tool.risky ? 'risky' : 'not risky'}, fixed by the tool registry); approval is what a policy sets`,
      );
    const approval = rules.requires_approval ?? tool.risky;
    entry.approval = approval ? 'required' : 'never';
    if (tool.category === 'filesystem_write')
      mapWriteRoots(entry, rules.allowed_output_roots ?? seed.default_allowed_write_roots, `tool_policies.${seedName}`, notes);
    for (const key of Object.keys(rules))
      if (!['enabled', 'action_category', 'allowed_output_roots', 'requires_approval', 'risky'].includes(key))
        notes.push(`tool_policies.${seedName}.${shown(key)}: not a seed tool field we know; ignored`);
    tools[name] = entry;
  }
  const document = {
    version: 1,
    name: `imported-${
      path
        .basename(source)
        .replace(/\.[^.]*$/, '')
        .replace(/[^A-Za-z0-9._-]+/g, '-') || 'seed'
    }`,
    description: `Imported from the seed harness policy ${path.basename(source)}.`,
    tools,
  };
  const policy = Policy.safeParse(document);
  // A failure here is a bug of this mapping, not of the seed file: say so plainly.
  if (!policy.success) throw new ConfigError(`${source}: the imported policy is not valid: ${describeZodError(policy.error)}`);
  return { policy: policy.data, yaml: printedPolicy(document, policy.data, notes, source), notes };
}

/**
 * The policy as YAML through the library's document model (notes are comments it writes, line by
 * line), then read back: what is printed must be exactly the policy that was validated, or nothing is printed.
 */
function printedPolicy(document: object, validated: Policy, notes: string[], source: string): string {
  const doc = new Document(document);
  doc.commentBefore = [' Imported from the seed harness policy by `harness policy --import`.', ...notes.map((n) => ` note: ${n}`)].join(
    '\n',
  );
  const yaml = doc.toString();
  const reread = Policy.safeParse(parse(yaml));
  if (!reread.success || canonicalJson(reread.data) !== canonicalJson(validated))
    throw new ConfigError(`${source}: the printed policy does not read back as the one validated; nothing printed`);
  return yaml;
}

function mapWriteRoots(entry: Record<string, unknown>, roots: string[] | undefined, field: string, notes: string[]): void {
  if (!roots) return;
  const mapped = roots.map(writeRootOf);
  const outside = roots.filter((_, i) => mapped[i] === null);
  for (const root of outside)
    notes.push(
      `${field}: write root ${shown(root)} lies outside the seed's runs folder; this harness writes only under its output root (HARNESS_OUTPUT_DIR)`,
    );
  const kept = [...new Set(mapped.filter((r): r is string => r !== null))];
  if (kept.length) {
    entry.writeRoots = kept;
    entry.rules = [{ deny: 'path_outside_roots' }];
  } else {
    // The seed would refuse every write this harness makes: so does the imported policy.
    entry.enabled = false;
    notes.push(`${field}: no write root maps, so the tool is disabled (the seed would deny every report write)`);
  }
}
