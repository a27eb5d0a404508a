/**
 * Reads a policy file (YAML or JSON), validates it with the policy schema, and reports each
 * problem with its field and line. The digest of the canonical policy identifies the snapshot a
 * run carries, so every decision can be traced to the exact policy it was made under.
 */
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { canonicalJson, sha256Hex } from '../shared/digest';
import { MAX_POLICY_BYTES, Policy, policySchema } from '../shared/policy';
import type { ToolCatalog } from '../shared/tool-contract';
import { readYamlFile } from './yaml-file';

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

/** Reads and checks a policy against these tools (default: the built-in ones). */
export async function loadPolicyFile(file: string, tools?: ToolCatalog): Promise<LoadedPolicy> {
  // The bound: a policy travels in every run's history.
  const policy = await readYamlFile(file, tools ? policySchema(tools) : Policy, 'policy file', MAX_POLICY_BYTES);
  return { policy, digest: policyDigest(policy), source: file };
}
