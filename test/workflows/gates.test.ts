/**
 * `approval: required` gates any tool, not only finalize_report: a policy that gates
 * draft_report (with a quorum of 2) stops the run before the draft, and every tool call's policy
 * decision is recorded. Real dev server, driven through the built `harness` CLI.
 */
import { WorkflowHandle, WorkflowUpdateStage } from '@temporalio/client';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { toolCallDigest } from '../../src/shared/digest';
import { approveSignal, approveUpdate, awaitGateUpdate, stateQuery, traceQuery } from '../../src/shared/messages';
import type { RunState } from '../../src/shared/run';
import type { researchRun } from '../../src/workflows';
import { waitFor } from '../../src/client/api/wait-for';
import { expectSingleApprovedReport } from '../helpers/reports';
import { toolsInHistory } from '../helpers/temporal';
import { useCliTestBed } from '../helpers/test-bed';

const POLICY = {
  version: 1,
  name: 'gated-draft',
  tools: { draft_report: { approval: 'required', minApprovals: 2 } },
};

const bed = useCliTestBed('gates');
let policyFile: string;

beforeAll(async () => {
  policyFile = path.join(bed.dir, 'gated-draft.json');
  await fs.writeFile(policyFile, JSON.stringify(POLICY));
});

const harness = (...args: string[]) => bed.harness(...args);

async function start(): Promise<{ run: WorkflowHandle<typeof researchRun>; policyDigest: string }> {
  const started = await harness('start', '--topic', 'durable agent harness', '--policy', policyFile, '--json');
  expect(started.stderr).toBe('');
  const { workflowId, policyDigest } = JSON.parse(started.stdout);
  return { run: bed.client.workflow.getHandle<typeof researchRun>(workflowId), policyDigest };
}

/** The tools called so far, local or remote, from the run's history. */
async function scheduledTools(run: WorkflowHandle): Promise<string[]> {
  return (await toolsInHistory(run)).map((call) => call.tool);
}

/** Waits for the gate, then reads it as an approver does (`harness pending`), so a later approve is pinned to it. */
async function atGate(run: WorkflowHandle, tool: string): Promise<RunState> {
  const state = await waitFor(
    async () => {
      const state = await run.query(stateQuery);
      return state.status === 'waiting_approval' && state.pendingAction?.tool === tool ? state : null;
    },
    { timeoutMs: 30_000, what: `${run.workflowId} at the ${tool} gate` },
  );
  await harness('pending', run.workflowId);
  return state;
}

test('the run stops before draft_report until two distinct approvals, then again before finalize_report', async () => {
  const { run, policyDigest } = await start();
  const first = await atGate(run, 'draft_report');
  expect(first.pendingAction).toMatchObject({
    tool: 'draft_report',
    gate: 1,
    minApprovals: 2,
    stillNeeded: 2,
    digest: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  expect(first.pendingAction?.reason).toMatch(/draft_report .*policy "gated-draft" requires approval/);
  expect(first.pendingAction?.preview.firstLines.join('\n')).toMatch(/"topic": "durable agent harness"/);
  expect(await scheduledTools(run)).toEqual(['plan_run', 'search_sources', 'extract_facts']);

  const pending = await harness('pending', run.workflowId);
  expect(pending.stdout).toMatch(/pending tool:\s+draft_report \(gate 1\)/);
  expect(pending.stdout).toMatch(/arguments:/);

  expect((await harness('approve', run.workflowId, '--approver', 'alice')).stdout).toMatch(/approval recorded; 1 more needed/);
  const again = await harness('approve', run.workflowId, '--approver', 'alice');
  expect(again.stderr).toMatch(/alice has already approved; 2 distinct approvers are needed/);
  expect((await harness('approve', run.workflowId, '--approver', 'bob')).stdout).toMatch(/approved; running draft_report/);

  const second = await atGate(run, 'finalize_report');
  expect(second.pendingAction).toMatchObject({ gate: 2, minApprovals: 1, proposedPath: `${run.workflowId}/final_report.md` });
  expect(await scheduledTools(run)).toEqual(['plan_run', 'search_sources', 'extract_facts', 'draft_report', 'review_draft']);
  expect((await harness('approve', run.workflowId, '--approver', 'carol')).stdout).toMatch(/approved; finalizing/);

  const result = await run.result();
  expect(result.status).toBe('completed');
  await expectSingleApprovedReport(bed.outputRoot, run.workflowId, second.pendingAction!.digest);
  expect(result.gates?.map((g) => [g.gate, g.tool, g.outcome, g.approvals.map((a) => a.approver)])).toEqual([
    [1, 'draft_report', 'approved', ['alice', 'bob']],
    [2, 'finalize_report', 'approved', ['carol']],
  ]);

  // One policy decision per tool call, each with the policy's name and digest.
  const checked = (await run.query(traceQuery)).filter((e) => e.type === 'policy_checked');
  expect(checked.map((e) => e.tool)).toEqual([
    'plan_run',
    'search_sources',
    'extract_facts',
    'draft_report',
    'review_draft',
    'finalize_report',
  ]);
  for (const event of checked) expect(event.data).toMatchObject({ policy: 'gated-draft', policyDigest, verdict: 'allowed' });
  expect(checked.filter((e) => e.data?.approvalRequired).map((e) => e.tool)).toEqual(['draft_report', 'finalize_report']);
});

test('a reject at the first gate ends the run rejected: no draft, no report', async () => {
  const { run } = await start();
  await atGate(run, 'draft_report');
  const rejected = await harness('reject', run.workflowId, '--reason', 'not this topic');
  expect(rejected.code).toBe(0);
  const result = await run.result();
  expect(result).toMatchObject({ status: 'rejected', decision: { outcome: 'rejected', approver: 'tester', reason: 'not this topic' } });
  expect(result.gates).toEqual([expect.objectContaining({ tool: 'draft_report', outcome: 'rejected', decidedBy: 'tester' })]);
  expect(await scheduledTools(run)).toEqual(['plan_run', 'search_sources', 'extract_facts']);
  await expect(fs.readdir(path.join(bed.outputRoot, run.workflowId))).rejects.toThrow();
});

test('an approval pinned to the digest of other arguments is refused; the run keeps waiting', async () => {
  const { run, policyDigest } = await start();
  const waiting = await atGate(run, 'draft_report');
  const other = toolCallDigest('draft_report', { topic: 'something else', plan: [], facts: [] }, policyDigest);
  expect(other).not.toBe(waiting.pendingAction!.digest);
  await expect(run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: other }] })).rejects.toMatchObject({
    cause: { message: `digest ${other.slice(0, 12)}… does not match the pending draft_report call` },
  });
  await run.signal(approveSignal, { approver: 'bob', digest: other });
  await waitFor(async () => (await run.query(traceQuery)).some((e) => e.type === 'approval_refused'), {
    timeoutMs: 60_000,
    what: 'the refusal',
  });
  const state = await run.query(stateQuery);
  expect(state).toMatchObject({ status: 'waiting_approval', pendingAction: { tool: 'draft_report', approvals: [] } });
  await harness('cancel', run.workflowId);
});

test('edited arguments are checked against the tool contract, get a new digest, and restart the count', async () => {
  const { run, policyDigest } = await start();
  const waiting = await atGate(run, 'draft_report');
  expect((await harness('approve', run.workflowId, '--approver', 'alice')).stdout).toMatch(/1 more needed/);

  const bad = path.join(bed.dir, 'bad-args.json');
  await fs.writeFile(bad, JSON.stringify({ topic: 'x', plan: [], facts: [] }));
  const refused = await harness('approve', run.workflowId, '--approver', 'bob', '--edit', bad);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/approve refused by run \S+: edited arguments do not fit draft_report's contract: topic: /);

  const edited = {
    topic: 'durable agent harness',
    plan: ['Say what was edited.'],
    facts: [{ source: 'operator', text: 'An approver narrowed the findings.' }],
  };
  const file = path.join(bed.dir, 'args.json');
  await fs.writeFile(file, JSON.stringify(edited));
  const approved = await harness('approve', run.workflowId, '--approver', 'bob', '--edit', file);
  expect(approved.stdout).toMatch(/approval recorded; 1 more needed/);
  const state = await run.query(stateQuery);
  const digest = toolCallDigest('draft_report', edited, policyDigest);
  expect(state.pendingAction).toMatchObject({ digest, approvals: [{ approver: 'bob', edited: true }] });
  expect(digest).not.toBe(waiting.pendingAction!.digest);
  expect(state.trace.find((e) => e.type === 'arguments_edited')?.data).toEqual({
    approver: 'bob',
    previousDigest: waiting.pendingAction!.digest,
    digest,
  });

  // alice read the arguments before bob's edit: her approval is not silently moved to the edit.
  const stale = await harness('approve', run.workflowId, '--approver', 'alice');
  expect(stale.code).toBe(1);
  expect(stale.stderr).toMatch(
    /approve refused: the pending draft_report changed since you last read it \([0-9a-f]{12}… → [0-9a-f]{12}…\)/,
  );
  expect(
    (await harness('approve', run.workflowId, '--approver', 'alice', '--digest', waiting.pendingAction!.digest.slice(0, 12))).stderr,
  ).toMatch(/is now [0-9a-f]{12}…, not the [0-9a-f]{12}… you read/);
  await harness('pending', run.workflowId);
  expect((await harness('approve', run.workflowId, '--approver', 'alice')).stdout).toMatch(/approved; running draft_report/);
  const final = await atGate(run, 'finalize_report');
  // The draft was made from the edited arguments, exactly.
  expect(final.pendingAction?.preview.firstLines).toContain('- An approver narrowed the findings. _(source: operator)_');
  await harness('reject', run.workflowId);
  expect((await run.result()).status).toBe('rejected');
});

test('awaitGate answers the moment a gate opens, the next gate after it, and the end', async () => {
  const { run } = await start();
  const first = await run.executeUpdate(awaitGateUpdate, { args: [{}] });
  expect(first).toMatchObject({ status: 'waiting_approval', pendingAction: { tool: 'draft_report', gate: 1 } });
  await expect(run.executeUpdate(awaitGateUpdate, { args: [{ afterGate: -1 }] })).rejects.toMatchObject({
    cause: { message: 'invalid payload: {"afterGate"?: number}' },
  });
  await harness('pending', run.workflowId);
  await harness('approve', run.workflowId, '--approver', 'alice');
  // Accepted before the decision that moves the run on, so the answer is the next gate, not a race.
  const next = await run.startUpdate(awaitGateUpdate, { args: [{ afterGate: 1 }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  await harness('approve', run.workflowId, '--approver', 'bob');
  expect(await next.result()).toMatchObject({ status: 'waiting_approval', pendingAction: { tool: 'finalize_report', gate: 2 } });
  const end = await run.startUpdate(awaitGateUpdate, { args: [{ afterGate: 2 }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  await harness('reject', run.workflowId);
  expect(await end.result()).toEqual({ status: 'rejected', pendingAction: null });
});
