/**
 * Reads a policy file (YAML or JSON), validates it with the policy schema, and reports each
 * problem with its field and line. The digest of the canonical policy identifies the snapshot a
 * run carries, so every decision can be traced to the exact policy it was made under.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { REPO_ROOT } from '../paths';
import { canonicalJson, sha256Hex } from '../shared/digest';
import { MAX_POLICY_BYTES, Policy } from '../shared/policy';
import { ConfigError } from './env';

export const DEFAULT_POLICY_FILE = path.join(REPO_ROOT, 'policy', 'default.yaml');

export interface LoadedPolicy {
  policy: Policy;
  digest: string;
  source: string;
}

export const policyDigest = (policy: Policy): string => sha256Hex(canonicalJson(policy));

export function policyFileFor(env: { HARNESS_POLICY_FILE?: string }, explicit?: string): string {
  return path.resolve(explicit ?? env.HARNESS_POLICY_FILE ?? DEFAULT_POLICY_FILE);
}

export async function loadPolicyFile(file: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    const { size } = await fs.stat(file);
    if (size > MAX_POLICY_BYTES)
      throw new ConfigError(`policy file ${file} is ${size} bytes: at most ${MAX_POLICY_BYTES} (it travels in every run's history)`);
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`policy file not found: ${file}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const error = doc.errors[0];
    const { line } = lines.linePos(error.pos[0]);
    throw new ConfigError(`policy file ${file}: line ${line}: ${error.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // An alias bomb (or another structure yaml refuses to expand) is named with its file.
    throw new ConfigError(`policy file ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = Policy.safeParse(value);
  if (!parsed.success) throw new ConfigError(`policy file ${file}: ${describeWithLines(parsed.error, doc, lines)}`);
  return { policy: parsed.data, digest: policyDigest(parsed.data), source: file };
}

/** "tools.finalize_report.minApprovals (line 12): Too small…" for each issue. */
function describeWithLines(error: z.ZodError, doc: ReturnType<typeof parseDocument>, lines: LineCounter): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length ? issue.path.join('.') : '(root)';
      // The nearest node that exists: a missing field points at its parent.
      for (let depth = issue.path.length; depth >= 0; depth--) {
        const node = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
        if (isNode(node) && node.range) return `${field} (line ${lines.linePos(node.range[0]).line}): ${issue.message}`;
      }
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}
