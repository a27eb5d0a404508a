/**
 * Approvals with authority and policy enforcement on the real dev server, driven through the
 * built `harness` CLI where the operator-facing message matters.
 */
import { WorkflowHandle } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../src/client/api/wait-for';
import { approveUpdate, stateQuery, traceQuery } from '../../src/shared/messages';
import type { PolicyInput } from '../../src/shared/policy';
import type { researchRun } from '../../src/workflows';
import { expectSingleApprovedReport } from '../helpers/reports';
import { loadPolicyFile } from '../../src/config/policy-file';
import { sampleSources, startUncheckedRun, waitForStatus } from '../helpers/temporal';
import { useCliTestBed } from '../helpers/test-bed';

const bed = useCliTestBed('approvals');

const harness = (...args: string[]) => bed.harness(...args);

async function writePolicy(name: string, finalize: Record<string, unknown>, extra: Partial<PolicyInput> = {}): Promise<string> {
  const file = path.join(bed.dir, `${name}.json`);
  const policy = {
    version: 1,
    name,
    roles: { reviewers: ['alice', 'bob', 'dave'], leads: ['carol'] },
    ...extra,
    tools: { finalize_report: finalize },
  };
  await fs.writeFile(file, JSON.stringify(policy));
  return file;
}

async function start(policyFile: string, ...flags: string[]): Promise<WorkflowHandle<typeof researchRun>> {
  const started = await harness('start', '--topic', 'durable agent harness', '--policy', policyFile, '--json', ...flags);
  expect(started.stderr).toBe('');
  return bed.client.workflow.getHandle<typeof researchRun>(JSON.parse(started.stdout).workflowId);
}

const reviewers = { approvers: ['role:reviewers'], minApprovals: 2, allowSelfApproval: false };

test('quorum of 2: one approval keeps the run waiting, the second completes it', async () => {
  const run = await start(await writePolicy('quorum', reviewers), '--as', 'erin');
  await waitForStatus(run, ['waiting_approval']);
  await harness('pending', run.workflowId); // the approver reads what is pending

  const first = await harness('approve', run.workflowId, '--approver', 'alice');
  expect(first.stdout).toMatch(/approval recorded; 1 more needed/);
  const waiting = await run.query(stateQuery);
  expect(waiting.status).toBe('waiting_approval');
  expect(waiting.pendingAction).toMatchObject({
    approvals: [{ approver: 'alice' }],
    stillNeeded: 1,
    eligibleApprovers: ['alice', 'bob', 'dave'],
  });

  const duplicate = await harness('approve', run.workflowId, '--approver', 'alice');
  expect(duplicate.code).toBe(1);
  expect(duplicate.stderr).toMatch(/^harness: approve refused by run \S+: alice has already approved; 2 distinct approvers are needed\n$/);

  const second = await harness('approve', run.workflowId, '--approver', 'bob');
  expect(second.stdout).toMatch(/approved; finalizing/);
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.decision?.approvals?.map((a) => a.approver)).toEqual(['alice', 'bob']);
});

test('an unauthorized approver and a self-approval are refused with a clear message', async () => {
  const run = await start(await writePolicy('authority', reviewers), '--as', 'alice');
  await waitForStatus(run, ['waiting_approval']);
  await harness('pending', run.workflowId); // the approver reads what is pending
  expect((await run.query(stateQuery)).startedBy).toBe('alice');

  const stranger = await harness('approve', run.workflowId, '--approver', 'mallory');
  expect(stranger.code).toBe(1);
  expect(stranger.stderr).toBe(
    `harness: approve refused by run ${run.workflowId}: mallory is not an allowed approver for finalize_report (allowed: alice, bob, dave)\n`,
  );
  const self = await harness('approve', run.workflowId, '--approver', 'alice');
  expect(self.stderr).toBe(
    `harness: approve refused by run ${run.workflowId}: alice started this run and policy "authority" forbids self-approval\n`,
  );
  expect((await run.query(stateQuery)).pendingAction?.approvals).toEqual([]);
  await harness('cancel', run.workflowId);
});

test('a stale digest is refused', async () => {
  const run = await start(await writePolicy('digest', {}));
  await waitForStatus(run, ['waiting_approval']);
  await harness('pending', run.workflowId); // the approver reads what is pending
  await expect(run.executeUpdate(approveUpdate, { args: [{ approver: 'ops', digest: 'a'.repeat(64) }] })).rejects.toMatchObject({
    cause: { message: expect.stringMatching(/^digest aaaaaaaaaaaa… does not match the pending draft$/) },
  });
  expect((await run.query(stateQuery)).status).toBe('waiting_approval');
  await harness('reject', run.workflowId);
});

test('expiry with onTimeout reject ends the run as rejected; a late decision is refused', async () => {
  // Nothing races the 2 s expiry: what it did is read from the run once it has ended.
  const run = await start(await writePolicy('expiry', { timeout: '2s', onTimeout: 'reject' }));
  const result = await run.result();
  expect(result).toMatchObject({ status: 'rejected', decision: { approver: 'policy', reason: 'approval expired after 2s' } });
  const trace = await run.query(traceQuery);
  expect(trace.map((e) => e.type)).toEqual(expect.arrayContaining(['approval_required', 'approval_expired', 'approval_rejected']));
  const at = (type: string) => Date.parse(trace.find((e) => e.type === type)!.at);
  // On the workflow clock: the gate expired no sooner than its policy said.
  expect(at('approval_expired') - at('approval_required')).toBeGreaterThanOrEqual(2_000);
  const late = await harness('approve', run.workflowId);
  expect(late.code).toBe(1);
  expect(late.stderr).toMatch(/has already ended/);
});

test('expiry with onTimeout escalate widens the approvers to the escalation list and waits once more', async () => {
  const escalating = (timeout: string) =>
    writePolicy(`escalate-${timeout}`, { approvers: ['role:reviewers'], timeout, onTimeout: 'escalate', escalateTo: ['role:leads'] });
  // Before the expiry the escalation list may not decide. An hour's expiry: nothing races a timer.
  const unexpired = await start(await escalating('1h'));
  await waitForStatus(unexpired, ['waiting_approval']);
  const startedAt = Date.now();
  await harness('pending', unexpired.workflowId); // the approver reads what is pending
  const early = await harness('approve', unexpired.workflowId, '--approver', 'carol');
  const decideCostMs = Date.now() - startedAt;
  expect(early.stderr).toMatch(/carol is not an allowed approver/);
  await harness('cancel', unexpired.workflowId);

  // After it, the lead must read and approve inside the escalated window, so the window is sized
  // from what those two commands cost on this machine now (ten times, at least 5 s), not on an idle one.
  const windowSeconds = Math.max(5, Math.ceil((10 * decideCostMs) / 1000));
  const run = await start(await escalating(`${windowSeconds}s`));
  const escalated = await waitFor(
    async () => {
      const state = await run.query(stateQuery);
      return state.pendingAction?.escalated ? state : null;
    },
    { timeoutMs: windowSeconds * 1000 + 60_000, what: 'the escalation' },
  );
  expect(escalated.pendingAction?.eligibleApprovers).toEqual(['alice', 'bob', 'carol', 'dave']);
  expect(escalated.trace.map((e) => e.type)).toContain('approval_escalated');
  await harness('pending', run.workflowId); // the lead reads what is pending
  const lead = await harness('approve', run.workflowId, '--approver', 'carol');
  expect(lead.stdout).toMatch(/approved; finalizing/);
  expect((await run.result()).status).toBe('completed');
});

test('edit-on-approve writes exactly the edited report, after a second review', async () => {
  const run = await start(await writePolicy('edit', {}));
  const waiting = await waitForStatus(run, ['waiting_approval']);
  await harness('pending', run.workflowId); // the approver reads what is pending
  const original = waiting.pendingAction!.preview.firstLines.join('\n');
  const edited = `${original.split('\n')[0]}\n\n## Key Findings\n\n- An approver rewrote this finding. _(source: operator)_\n\n## Harness Notes\n\n- Edited on approval.\n`;
  const editFile = path.join(bed.dir, 'edited.md');
  await fs.writeFile(editFile, edited);

  const approved = await harness('approve', run.workflowId, '--approver', 'ops', '--edit', editFile);
  expect(approved.stdout).toMatch(/approved; finalizing/);
  const result = await run.result();
  const digest = createHash('sha256').update(edited).digest('hex');
  expect(result.artifacts.report?.sha256).toBe(digest);
  await expectSingleApprovedReport(bed.outputRoot, run.workflowId, digest);
  expect(await fs.readFile(result.artifacts.report!.path, 'utf8')).toBe(edited);

  const trace = await run.query(traceQuery);
  const edit = trace.find((e) => e.type === 'draft_edited')!;
  expect(edit.data).toMatchObject({
    approver: 'ops',
    previousDigest: waiting.pendingAction!.digest,
    digest,
    linesAdded: expect.any(Number),
  });
  expect(trace.filter((e) => e.type === 'tool_ok' && e.tool === 'review_draft')).toHaveLength(2);

  const bad = path.join(bed.dir, 'bad-edit.md');
  await fs.writeFile(bad, 'no sections at all\n');
  const other = await start(await writePolicy('edit2', {}));
  await waitForStatus(other, ['waiting_approval']);
  await harness('pending', other.workflowId); // the approver reads what is pending
  const refused = await harness('approve', other.workflowId, '--edit', bad);
  expect(refused.stderr).toMatch(/approve refused by run \S+: edited report failed review: first line must be/);
  expect((await other.query(stateQuery)).status).toBe('waiting_approval');
  await harness('reject', other.workflowId);
});

test('cancel ends a waiting run as cancelled with nothing written', async () => {
  const run = await start(await writePolicy('cancel', {}));
  await waitForStatus(run, ['waiting_approval']);
  await harness('pending', run.workflowId); // the approver reads what is pending
  const cancelled = await harness('cancel', run.workflowId);
  expect(cancelled.stdout).toBe(`${run.workflowId}: cancelled\n`);
  const result = await harness('result', run.workflowId);
  expect(result.code).toBe(5);
  expect((await run.query(traceQuery)).map((e) => e.type).slice(-1)).toEqual(['run_cancelled']);
  await expect(fs.readdir(path.join(bed.outputRoot, run.workflowId))).rejects.toThrow();
});

test('a path outside the write roots is denied by policy before any side effect', async () => {
  const policy = await writePolicy('roots', { writeRoots: ['reports'], rules: [{ deny: 'path_outside_roots' }] });
  // The CLI refuses it before anything starts, rather than after every model step.
  const early = await harness('start', '--topic', 'durable agent harness', '--policy', policy, '--output', 'elsewhere/report.md');
  expect(early.code).toBe(1);
  expect(early.stderr).toBe(
    'harness: refused before starting: policy "roots" would deny finalize_report: elsewhere/report.md is outside the allowed write roots reports\n',
  );
  // A foreign client's run is denied by the workflow itself, before any side effect.
  const snapshot = (await loadPolicyFile(policy)).policy;
  const run = await startUncheckedRun(bed.client, bed.env.HARNESS_TASK_QUEUE!, {
    topic: 'durable agent harness',
    sources: await sampleSources(),
    policy: snapshot,
    options: { outputPath: 'elsewhere/report.md' },
  });
  const result = await harness('result', run.workflowId);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/policy "roots" denied finalize_report: elsewhere\/report\.md is outside the allowed write roots reports/);
  const state = await run.query(stateQuery);
  expect(state.status).toBe('failed');
  expect(state.trace.find((e) => e.type === 'policy_denied')).toMatchObject({ tool: 'finalize_report' });
  expect(state.trace.map((e) => e.type)).not.toContain('approval_required');
  await expect(fs.readdir(path.join(bed.outputRoot, 'elsewhere'))).rejects.toThrow();

  // By default the report goes under the first write root, which the policy allows.
  const inside = await start(policy);
  const gate = await waitForStatus(inside, ['waiting_approval']);
  await harness('pending', inside.workflowId); // the approver reads what is pending
  expect(gate.pendingAction?.proposedPath).toBe(`reports/${inside.workflowId}/final_report.md`);
  await harness('approve', inside.workflowId);
  expect((await inside.result()).artifacts.report?.path).toBe(path.join(bed.outputRoot, 'reports', inside.workflowId, 'final_report.md'));
});

test('a run keeps the policy it started with after the file changes', async () => {
  const file = await writePolicy('snapshot', { minApprovals: 1 });
  const started = await harness('policy', '--file', file, '--json');
  const { digest } = JSON.parse(started.stdout);
  const run = await start(file);
  await waitForStatus(run, ['waiting_approval']);
  await harness('pending', run.workflowId); // the approver reads what is pending
  await writePolicy('snapshot', { enabled: false });
  expect(JSON.parse((await harness('policy', '--file', file, '--json')).stdout).digest).not.toBe(digest);

  const state = await run.query(stateQuery);
  expect(state.policy).toEqual({ name: 'snapshot', digest });
  expect(state.trace.find((e) => e.type === 'policy_applied')?.data).toEqual({ name: 'snapshot', digest });
  await harness('approve', run.workflowId);
  expect((await run.result()).status).toBe('completed');
});

test('one person is one approver however the name is spelled: case, spaces, Unicode forms', async () => {
  const run = await start(await writePolicy('same-person', reviewers), '--as', 'erin');
  await waitForStatus(run, ['waiting_approval']);
  await harness('pending', run.workflowId); // the approver reads what is pending
  expect((await harness('approve', run.workflowId, '--approver', 'alice ')).stdout).toMatch(/approval recorded; 1 more needed/);
  for (const spelling of ['alice', 'ALICE', 'Alice\u00a0', '\u200balice', 'ａｌｉｃｅ', 'alice\u3000']) {
    const again = await harness('approve', run.workflowId, '--approver', spelling);
    expect(again.stderr).toMatch(/alice has already approved; 2 distinct approvers are needed/);
  }
  // The same through the update as any client sends it.
  await expect(run.executeUpdate(approveUpdate, { args: [{ approver: ' ALICE\t' }] })).rejects.toMatchObject({
    cause: { message: 'alice has already approved; 2 distinct approvers are needed', type: 'DecisionRefused', nonRetryable: true },
  });
  const self = await harness('approve', run.workflowId, '--approver', 'ERIN');
  expect(self.stderr).toMatch(/erin is not an allowed approver|erin started this run/);
  expect((await harness('approve', run.workflowId, '--approver', 'Bob')).stdout).toMatch(/approved; finalizing/);
  expect((await run.result()).decision?.approvals?.map((a) => a.approver)).toEqual(['alice', 'bob']);
});

test('who may reject is who may approve', async () => {
  const run = await start(await writePolicy('rejecters', reviewers));
  await waitForStatus(run, ['waiting_approval']);
  await harness('pending', run.workflowId); // the approver reads what is pending
  const stranger = await harness('reject', run.workflowId, '--approver', 'mallory');
  expect(stranger.code).toBe(1);
  expect(stranger.stderr).toMatch(/reject refused by run \S+: mallory may not reject finalize_report \(allowed: alice, bob, dave\)/);
  expect((await harness('reject', run.workflowId, '--approver', 'Dave')).stdout).toMatch(/rejected; nothing will be written/);
  expect((await run.result()).decision).toMatchObject({ outcome: 'rejected', approver: 'dave' });
});

test('a catastrophic policy pattern does not take the worker down: the run goes on', async () => {
  const policy = path.join(bed.dir, 'redos.json');
  await fs.writeFile(
    policy,
    JSON.stringify({ version: 1, name: 'redos', tools: { plan_run: { rules: [{ deny: 'topic_matches', pattern: '^(a+)+$' }] } } }),
  );
  const run = await start(policy, '--topic', `${'a'.repeat(29)}!`);
  // No source matches such a topic, so the review fails the run later; what matters is that it got there.
  const ended = await waitForStatus(run, ['waiting_approval', 'failed']);
  expect(ended.trace.find((e) => e.type === 'policy_checked' && e.tool === 'plan_run')?.data).toMatchObject({ verdict: 'allowed' });
  expect(ended.trace.some((e) => e.type === 'tool_ok' && e.tool === 'review_draft')).toBe(true);
});
