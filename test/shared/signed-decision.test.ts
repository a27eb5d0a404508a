/**
 * Signed decisions on their own: keys written by the CLI's generator (Node's signer) verify with
 * the sandbox's pure-JS verifier, each way a signature can be wrong gets its reason, and a policy
 * that requires signatures must name keys for its approvers.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { generateSigningKey, readSigningKey, signStatement } from '../../src/client/api/signing-keys';
import { eligibleApprovers, Policy, PolicyInput } from '../../src/shared/policy';
import { editDigest, Expected, keyFingerprint, noteDigest, SignedStatement, verifySignature } from '../../src/shared/signed-decision';
import { describeZodError } from '../../src/shared/tool-contract';
import { tempDir } from '../helpers/temporal';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('keys');
});

const OPENED = Date.parse('2026-11-27T10:00:00Z');
const expected: Expected = {
  workflowId: 'research-1',
  runId: 'run-a',
  gate: 2,
  tool: 'finalize_report',
  digest: 'd'.repeat(64),
  decision: 'approve',
  approver: 'alice',
  edit: null,
  note: noteDigest('looks right'),
  nowMs: OPENED + 60_000,
  openedAtMs: OPENED,
};
const statement = (over: Partial<SignedStatement> = {}): SignedStatement => ({
  v: 1,
  workflowId: expected.workflowId,
  runId: expected.runId,
  gate: expected.gate,
  tool: expected.tool,
  digest: expected.digest,
  decision: 'approve',
  approver: 'alice',
  at: new Date(OPENED + 30_000).toISOString(),
  edit: null,
  note: expected.note,
  ...over,
});

test('a generated key is private, never overwritten, and its signature verifies in the pure-JS verifier', async () => {
  const written = await generateSigningKey('Alice', dir);
  expect(path.basename(written.keyFile)).toBe('alice.key');
  expect((await fs.stat(written.keyFile)).mode & 0o777).toBe(0o600);
  expect((await fs.readFile(written.pubFile, 'utf8')).trim()).toBe(written.publicKey);
  expect(written.publicKey).toMatch(/^ed25519:[0-9a-f]{64}$/);
  await expect(generateSigningKey('alice', dir)).rejects.toThrow(/alice\.key already exists: keys are never overwritten/);

  const key = await readSigningKey(written.keyFile);
  expect(key.publicKey).toBe(written.publicKey);
  const verdict = verifySignature(signStatement(key, statement()), [written.publicKey], expected);
  expect(verdict).toEqual({
    verified: true,
    key: keyFingerprint(written.publicKey),
    statementDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
  });

  await fs.chmod(written.keyFile, 0o644);
  await expect(readSigningKey(written.keyFile)).rejects.toThrow(/permissions 644 are too open/);
  await expect(readSigningKey(path.join(dir, 'nobody.key'))).rejects.toThrow(/signing key not found/);
});

test('each way a signature can be wrong is refused with its reason', async () => {
  const alice = await readSigningKey((await generateSigningKey('alice2', dir)).keyFile);
  const mallory = await readSigningKey((await generateSigningKey('mallory', dir)).keyFile);
  const keys = [alice.publicKey];
  const reasonFor = (signed: ReturnType<typeof signStatement>, over: Partial<Expected> = {}) => {
    const verdict = verifySignature(signed, keys, { ...expected, ...over });
    return verdict.verified ? 'verified' : verdict.reason;
  };
  expect(reasonFor(signStatement(alice, statement()))).toBe('verified');
  expect(reasonFor(signStatement(mallory, statement()))).toMatch(/does not verify against alice's keys/);
  expect(reasonFor(signStatement(alice, statement()), { approver: 'bob' })).toMatch(/signature is alice's, but the decision is bob's/);
  expect(reasonFor(signStatement(alice, statement({ runId: 'run-b' })))).toMatch(/another run/);
  expect(reasonFor(signStatement(alice, statement({ workflowId: 'research-2' })))).toMatch(/another run/);
  expect(reasonFor(signStatement(alice, statement({ gate: 1 })))).toMatch(/another gate/);
  expect(reasonFor(signStatement(alice, statement({ digest: 'e'.repeat(64) })))).toMatch(/another digest/);
  expect(reasonFor(signStatement(alice, statement({ decision: 'reject' })))).toMatch(/made to reject, not to approve/);
  expect(reasonFor(signStatement(alice, statement({ note: null })))).toMatch(/does not cover this comment/);
  expect(reasonFor(signStatement(alice, statement({ edit: editDigest('# another report\n') })))).toMatch(/does not cover this edit/);
  expect(reasonFor(signStatement(alice, statement({ at: new Date(OPENED + 3_600_000).toISOString() })))).toMatch(
    /ahead of the run's clock/,
  );
  expect(reasonFor(signStatement(alice, statement({ at: new Date(OPENED - 3_600_000).toISOString() })))).toMatch(/before this gate opened/);
  // A signature over one statement does not carry over to a changed one.
  const tampered = { ...signStatement(alice, statement()), statement: statement({ digest: 'e'.repeat(64) }) };
  expect(reasonFor(tampered, { digest: 'e'.repeat(64) })).toMatch(/does not verify/);
  expect(verifySignature(signStatement(alice, statement()), [], expected)).toEqual({
    verified: false,
    reason: 'the policy lists no public key for alice',
  });
});

describe('policy', () => {
  const key = `ed25519:${'0'.repeat(63)}1`;
  const parse = (input: Partial<PolicyInput>) => Policy.safeParse({ version: 1, name: 'signed', ...input });
  const problems = (input: Partial<PolicyInput>) => {
    const parsed = parse(input);
    return parsed.success ? '' : describeZodError(parsed.error);
  };

  test('keys must be Ed25519 points in the .pub form, and names are canonical', async () => {
    const { publicKey } = await generateSigningKey('carol', dir);
    const parsed = Policy.parse({
      version: 1,
      name: 'k',
      publicKeys: { ' Carol ': [publicKey.toUpperCase().replace('ED25519', 'ed25519')] },
    });
    expect(parsed.publicKeys).toEqual({ carol: [publicKey] });
    expect(problems({ publicKeys: { carol: ['ssh-ed25519 AAAA'] } })).toMatch(/an Ed25519 public key/);
    expect(problems({ publicKeys: { carol: [] } })).toMatch(/publicKeys\.carol/);
    expect(problems({ publicKeys: { carol: [publicKey], CAROL: [publicKey] } })).toMatch(/the same person as "carol"/);
    expect(problems({ publicKeys: { carol: [publicKey], erin: [publicKey] } })).toMatch(
      /a key also listed for carol: each key belongs to one person/,
    );
  });

  test('a gate requiring signatures must be one its approvers can sign', () => {
    expect(problems({ tools: { finalize_report: { requireSignedApprovals: true, approvers: ['alice'] } } })).toMatch(
      /requireSignedApprovals.*no key in publicKeys for alice/,
    );
    expect(problems({ tools: { finalize_report: { requireSignedApprovals: true, minApprovals: 2 } }, publicKeys: {} })).toMatch(
      /2 signed approvals needed but only 0 approvers have keys/,
    );
    expect(problems({ tools: { plan_run: { requireSignedApprovals: true } } })).toMatch(/needs a gate: this tool has approval: never/);
  });

  test('with signatures required and no approver list, the eligible approvers are the key holders', async () => {
    const { publicKey } = await generateSigningKey('dave', dir);
    const policy = Policy.parse({
      version: 1,
      name: 'k',
      publicKeys: { dave: [publicKey] },
      tools: { finalize_report: { requireSignedApprovals: true } },
    });
    expect(eligibleApprovers(policy, 'finalize_report', false)).toEqual(['dave']);
    expect(parse({ publicKeys: { dave: [key] } }).success).toBe(false); // not a curve point
  });
});
