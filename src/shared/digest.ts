/**
 * Digests that pin a decision to exactly what will run: canonical JSON (sorted keys) hashed with
 * a pure-JS sha256, so the workflow sandbox, the client and the tests compute the same value.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/** JSON with sorted keys and no undefined members: the same value always has the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

/** What an approver of a tool call approves: the tool, its validated arguments, and the policy it runs under. */
export function toolCallDigest(tool: string, args: unknown, policyDigest: string | null): string {
  return sha256Hex(canonicalJson({ tool, arguments: args, policyDigest }));
}
