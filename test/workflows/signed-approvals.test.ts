/**
 * Signed approvals on the real dev server: keys from `harness keys generate`, decisions signed by
 * `harness approve|reject --key`, verified by the workflow in its sandbox. Every forgery a caller
 * can send — unsigned from the temporal CLI, a stranger's key, a signature made for another run,
 * gate, digest or decision, a replay — is refused and traced while the run keeps waiting, and no
 * workflow task fails.
 */
import { WorkflowHandle } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { readSigningKey, signStatement, SigningKey } from '../../src/client/api/signing-keys';
import { waitFor } from '../../src/client/api/wait-for';
import { approveSignal, approveUpdate, stateQuery, traceQuery } from '../../src/shared/messages';
import { keyFingerprint, noteDigest, SignedStatement } from '../../src/shared/signed-decision';
import { findGoTool, TEMPORAL_CLI } from '../../src/toolchain/go-tools';
import type { researchRun } from '../../src/workflows';
import { testAddress, waitForStatus } from '../helpers/temporal';
import { useCliTestBed } from '../helpers/test-bed';

const bed = useCliTestBed('signed');
const harness = (...args: string[]) => bed.harness(...args);
const keyFile = (name: string) => path.join(bed.dir, 'keys', `${name}.key`);

const publicKeys: Record<string, string[]> = {};
beforeAll(async () => {
  for (const name of ['alice', 'bob', 'mallory']) {
    const generated = await harness('keys', 'generate', '--name', name, '--dir', path.join(bed.dir, 'keys'), '--json');
    expect(generated.stderr).toBe('');
    publicKeys[name] = [JSON.parse(generated.stdout).publicKey];
  }
});

async function start(name: string, finalize: Record<string, unknown>): Promise<WorkflowHandle<typeof researchRun>> {
  const file = path.join(bed.dir, `${name}.json`);
  const { mallory: _stranger, ...listed } = publicKeys;
  await fs.writeFile(file, JSON.stringify({ version: 1, name, publicKeys: listed, tools: { finalize_report: finalize } }));
  const started = await harness('start', '--topic', 'durable agent harness', '--policy', file, '--json', '--as', 'erin');
  expect(started.stderr).toBe('');
  const run = bed.client.workflow.getHandle<typeof researchRun>(JSON.parse(started.stdout).workflowId);
  await waitForStatus(run, ['waiting_approval']);
  await harness('pending', run.workflowId); // the approver reads what is pending
  return run;
}

const refusals = async (run: WorkflowHandle) =>
  (await run.query(traceQuery)).filter((e) => e.type === 'approval_refused').map((e) => e.message ?? '');

async function noWorkflowTaskFailed(run: WorkflowHandle): Promise<void> {
  const history = await run.fetchHistory();
  expect(history.events?.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
}

test('keys generate refuses to overwrite; a quorum of two signed approvals completes the run, each marked with its key', async () => {
  const again = await harness('keys', 'generate', '--name', 'alice', '--dir', path.join(bed.dir, 'keys'));
  expect(again.code).not.toBe(0);
  expect(again.stderr).toMatch(/^harness: \S+alice\.key already exists: keys are never overwritten .*\n$/);

  const run = await start('signed-quorum', { requireSignedApprovals: true, approvers: ['alice', 'bob'], minApprovals: 2 });
  expect((await run.query(stateQuery)).pendingAction).toMatchObject({ signatureRequired: true, eligibleApprovers: ['alice', 'bob'] });
  expect((await harness('pending', run.workflowId)).stdout).toMatch(/^signatures: +required: harness approve\|reject --key FILE/m);

  const first = await harness('approve', run.workflowId, '--approver', 'alice', '--key', keyFile('alice'));
  expect(first.stdout).toMatch(/approval recorded; 1 more needed/);
  const unsigned = await harness('approve', run.workflowId, '--approver', 'bob');
  expect(unsigned.code).toBe(1);
  expect(unsigned.stderr).toBe(
    `harness: approve refused by run ${run.workflowId}: policy "signed-quorum" counts only signed decisions at the finalize_report gate: harness approve --key FILE\n`,
  );
  const second = await harness('approve', run.workflowId, '--approver', 'bob', '--key', keyFile('bob'), '--comment', 'checked');
  expect(second.stdout).toMatch(/approved; finalizing/);

  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.decision?.approvals).toEqual([
    expect.objectContaining({ approver: 'alice', signedWith: keyFingerprint(publicKeys.alice[0]) }),
    expect.objectContaining({ approver: 'bob', comment: 'checked', signedWith: keyFingerprint(publicKeys.bob[0]) }),
  ]);
  expect(await refusals(run)).toEqual([expect.stringMatching(/counts only signed decisions/)]);
  await noWorkflowTaskFailed(run);
});

test('unsigned, foreign, misdirected and replayed signatures are refused and traced; the run waits on', async () => {
  const run = await start('signed-forgeries', { requireSignedApprovals: true, approvers: ['alice', 'bob'], minApprovals: 2 });
  const { pendingAction } = await run.query(stateQuery);
  const { runId } = await run.describe();
  const [alice, mallory] = await Promise.all([readSigningKey(keyFile('alice')), readSigningKey(keyFile('mallory'))]);
  const statement = (over: Partial<SignedStatement> = {}): SignedStatement => ({
    v: 1,
    workflowId: run.workflowId,
    runId,
    gate: pendingAction!.gate!,
    tool: 'finalize_report',
    digest: pendingAction!.digest,
    decision: 'approve',
    approver: 'alice',
    at: new Date().toISOString(),
    edit: null,
    note: noteDigest(undefined),
    ...over,
  });
  const payload = (key: SigningKey, over: Partial<SignedStatement> = {}) => ({
    approver: 'alice',
    digest: pendingAction!.digest,
    signature: signStatement(key, statement(over)),
  });

  // An unsigned approval from the temporal CLI, as an operator without the harness would send it.
  const temporal = await findGoTool(TEMPORAL_CLI);
  const input = JSON.stringify({ approver: 'alice', digest: pendingAction!.digest });
  await promisify(execFile)(temporal!, [
    'workflow',
    'signal',
    '--address',
    testAddress(),
    '--workflow-id',
    run.workflowId,
    '--name',
    'approve',
    '--input',
    input,
  ]);
  for (const forged of [
    payload(mallory),
    payload(alice, { runId: 'another-execution' }),
    payload(alice, { gate: 7 }),
    payload(alice, { digest: 'e'.repeat(64) }),
    payload(alice, { decision: 'reject' }),
  ])
    await run.signal(approveSignal, forged);
  const expected = [
    /counts only signed decisions/,
    /does not verify against alice's keys in the policy/,
    /made for another run/,
    /made for another gate \(finalize_report gate 7; this is finalize_report gate \d+\)/,
    /made for another digest/,
    /made to reject, not to approve/,
  ].map((pattern) => expect.stringMatching(pattern));
  await waitFor(async () => ((await refusals(run)).length >= expected.length ? true : null), { timeoutMs: 60_000, what: 'the refusals' });
  expect(await refusals(run)).toEqual(expected);

  // Through the update the caller hears the refusal, and the attempt is still in the trace.
  await expect(run.executeUpdate(approveUpdate, { args: [payload(mallory)] })).rejects.toMatchObject({
    cause: { message: expect.stringMatching(/^signature refused: the signature does not verify/) },
  });
  const good = payload(alice);
  expect(await run.executeUpdate(approveUpdate, { args: [good] })).toMatchObject({ stillNeeded: 1 });
  await run.signal(approveSignal, good); // the same signed approval, replayed
  await waitFor(async () => ((await refusals(run)).length >= expected.length + 2 ? true : null), {
    timeoutMs: 60_000,
    what: 'the replay refusal',
  });
  expect((await refusals(run)).slice(-2)).toEqual([
    expect.stringMatching(/^signature refused: the signature does not verify/),
    'alice has already approved; 2 distinct approvers are needed',
  ]);

  const state = await run.query(stateQuery);
  expect(state.status).toBe('waiting_approval');
  expect(state.pendingAction?.approvals.map((a) => a.approver)).toEqual(['alice']);
  await noWorkflowTaskFailed(run);
  const rejected = await harness('reject', run.workflowId, '--approver', 'bob', '--key', keyFile('bob'), '--reason', 'enough');
  expect(rejected.code).toBe(0);
  expect(await run.result()).toMatchObject({
    status: 'rejected',
    decision: { approver: 'bob', signedWith: keyFingerprint(publicKeys.bob[0]) },
  });
});

test('without requireSignedApprovals an unsigned approval counts, and a signed one is verified and marked', async () => {
  const run = await start('signed-optional', { approvers: ['alice', 'bob'], minApprovals: 2 });
  expect((await run.query(stateQuery)).pendingAction?.signatureRequired).toBeUndefined();
  const stranger = await harness('approve', run.workflowId, '--approver', 'alice', '--key', keyFile('mallory'));
  expect(stranger.stderr).toMatch(/signature refused: the signature does not verify against alice's keys in the policy\n$/);
  expect((await harness('approve', run.workflowId, '--approver', 'alice')).stdout).toMatch(/1 more needed/);
  expect((await harness('approve', run.workflowId, '--approver', 'bob', '--key', keyFile('bob'))).stdout).toMatch(/approved/);
  const result = await run.result();
  expect(result.decision?.approvals?.map((a) => [a.approver, a.signedWith])).toEqual([
    ['alice', undefined],
    ['bob', keyFingerprint(publicKeys.bob[0])],
  ]);
});
