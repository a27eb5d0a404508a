/**
 * Signed decisions: the canonical statement an approver signs with Ed25519, and its verification
 * against the keys the run's policy lists. Pure (noble's audited JS Ed25519, no Node crypto), so
 * the workflow verifies inside its sandbox and replays to the same verdict.
 */
import { ed25519 } from '@noble/curves/ed25519';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { z } from 'zod';
import { canonicalJson, sha256Hex } from './digest';
import { PersonName } from './identity';

/** The one line of a `.pub` file and of a policy's `publicKeys` entry: `ed25519:` and the 32-byte key in hex. */
export const PUBLIC_KEY_PREFIX = 'ed25519:';

export const PublicKeyText = z
  .string()
  .trim()
  .regex(/^ed25519:[0-9a-fA-F]{64}$/, 'an Ed25519 public key: "ed25519:" and 64 hex digits (the one line of a .pub file)')
  .transform((text) => text.toLowerCase())
  .refine((text) => decodesToPoint(text.slice(PUBLIC_KEY_PREFIX.length)), 'not a point on the Ed25519 curve');

function decodesToPoint(hex: string): boolean {
  try {
    ed25519.Point.fromHex(hex);
    return true;
  } catch {
    return false;
  }
}

/** A short, stable name for a key: what the trace and `pending` show of it. */
export const keyFingerprint = (publicKey: string): string => sha256Hex(publicKey).slice(0, 16);

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 digest (64 lowercase hex digits)');

/** What an approver vouches for: this decision, by them, at this gate of this execution, on this digest. */
export const SignedStatement = z
  .object({
    v: z.literal(1),
    workflowId: z.string().min(1).max(1_000),
    /** The execution: a later run reusing the workflow id is another run. */
    runId: z.string().min(1).max(100),
    gate: z.number().int().min(1),
    tool: z.string().min(1).max(100),
    digest: Sha256,
    decision: z.enum(['approve', 'reject']),
    approver: PersonName,
    /** When the approver signed (ISO 8601), checked against the gate's open window. */
    at: z.iso.datetime({ offset: true }),
    /** sha256 of the edit's canonical JSON, for an edit-on-approve; else null. */
    edit: Sha256.nullable(),
    /** sha256 of the comment or reason, so a note cannot be swapped in transit; else null. */
    note: Sha256.nullable(),
  })
  .strict();
export type SignedStatement = z.infer<typeof SignedStatement>;

export const Signature = z
  .object({
    statement: SignedStatement,
    /** The 64-byte Ed25519 signature of statementBytes(statement), in hex. */
    signature: z.string().regex(/^[0-9a-fA-F]{128}$/, 'an Ed25519 signature (128 hex digits)'),
  })
  .strict();
export type Signature = z.infer<typeof Signature>;

/** The exact bytes signed: a domain tag (so no other protocol's signature fits) and the statement's canonical JSON. */
export const statementBytes = (statement: SignedStatement): Uint8Array =>
  utf8ToBytes(`durable-harness signed decision\n${canonicalJson(statement)}`);

export const noteDigest = (note: string | undefined): string | null => (note === undefined ? null : sha256Hex(note));
export const editDigest = (edit: unknown): string | null => (edit === undefined ? null : sha256Hex(canonicalJson(edit)));

/** Signatures made more than this ahead of the workflow clock, or before the gate opened, are refused. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** What the run expects a signature over its open gate to say. */
export interface Expected {
  workflowId: string;
  runId: string;
  gate: number;
  tool: string;
  digest: string;
  decision: 'approve' | 'reject';
  approver: string;
  edit: string | null;
  note: string | null;
  /** Workflow time now, and when the gate opened (ms since the epoch). */
  nowMs: number;
  openedAtMs: number;
}

export type Verdict = { verified: true; key: string; statementDigest: string } | { verified: false; reason: string };

/**
 * Checks a signature against the approver's listed keys, then that it was made for exactly this
 * decision. Never throws: whatever a caller sends gets a verdict with the reason.
 */
export function verifySignature(signature: Signature, keys: readonly string[], expected: Expected): Verdict {
  const { statement } = signature;
  if (statement.approver !== expected.approver)
    return refused(`the signature is ${statement.approver}'s, but the decision is ${expected.approver}'s`);
  if (!keys.length) return refused(`the policy lists no public key for ${expected.approver}`);
  const key = keys.find((text) => signatureHolds(signature, text));
  if (key === undefined) return refused(`the signature does not verify against ${expected.approver}'s keys in the policy`);
  const mismatch = mismatchOf(statement, expected);
  if (mismatch) return refused(mismatch);
  return { verified: true, key: keyFingerprint(key), statementDigest: sha256Hex(canonicalJson(statement)) };
}

function signatureHolds(signature: Signature, publicKey: string): boolean {
  try {
    // Strict RFC 8032 (no ZIP-215 leniency): one statement has one valid signature per key.
    return ed25519.verify(hexToBytes(signature.signature), statementBytes(signature.statement), publicKey.slice(PUBLIC_KEY_PREFIX.length), {
      zip215: false,
    });
  } catch {
    return false;
  }
}

function mismatchOf(statement: SignedStatement, expected: Expected): string | null {
  if (statement.workflowId !== expected.workflowId || statement.runId !== expected.runId)
    return `the signature was made for another run (${statement.workflowId})`;
  if (statement.gate !== expected.gate || statement.tool !== expected.tool)
    return `the signature was made for another gate (${statement.tool} gate ${statement.gate}; this is ${expected.tool} gate ${expected.gate})`;
  if (statement.digest !== expected.digest) return `the signature was made for another digest (${statement.digest.slice(0, 12)}…)`;
  if (statement.decision !== expected.decision) return `the signature was made to ${statement.decision}, not to ${expected.decision}`;
  if (statement.edit !== expected.edit) return 'the signature does not cover this edit';
  if (statement.note !== expected.note) return 'the signature does not cover this comment or reason';
  const atMs = Date.parse(statement.at);
  if (atMs > expected.nowMs + CLOCK_SKEW_MS) return `the signature is dated ${statement.at}, ahead of the run's clock`;
  if (atMs < expected.openedAtMs - CLOCK_SKEW_MS) return `the signature is dated ${statement.at}, before this gate opened`;
  return null;
}

const refused = (reason: string): Verdict => ({ verified: false, reason });
