/**
 * Reads a policy file (YAML or JSON), validates it with the policy schema, and reports each
 * problem with its field and line. The digest of the canonical policy identifies the snapshot a
 * run carries, so every decision can be traced to the exact policy it was made under.
 */
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { canonicalJson, sha256Hex } from '../shared/digest';
import { MAX_POLICY_BYTES, Policy } from '../shared/policy';
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

export async function loadPolicyFile(file: string): Promise<LoadedPolicy> {
  // The bound: a policy travels in every run's history.
  const policy = await readYamlFile(file, Policy, 'policy file', MAX_POLICY_BYTES);
  return { policy, digest: policyDigest(policy), source: file };
}
