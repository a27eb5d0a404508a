/**
 * Multi-role runs on the dev server: planner, executor and reviewer as child workflows under the
 * parent, handoffs recorded in order, the gate in the parent; the reviewer sends the draft back
 * once; a role that fails for good pauses the parent (resume: the role again, as a new child);
 * a rejection, a cancellation, and a worker SIGKILLed while the executor runs.
 */
import { WorkflowHandle } from '@temporalio/client';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { createActivities } from '../../src/activities';
import { offlineProvider } from '../../src/activities/model/offline-provider';
import { waitFor } from '../../src/client/api/wait-for';
import { rejectSignal, resumeUpdate, stateQuery } from '../../src/shared/messages';
import { NON_RETRYABLE } from '../../src/shared/tool-contract';
import { runHarness } from '../helpers/processes';
import { expectSingleApprovedReport } from '../helpers/reports';
import {
  activityStartedBy,
  approveAtGate,
  reportFolder,
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  testAddress,
  TestWorker,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';
import { useClient, useWorkerProcesses } from '../helpers/test-bed';

const temporal = useClient();
const spawnWorkerProcess = useWorkerProcesses();
let outputRoot: string;
let taskQueue: string;
let worker: TestWorker;
/** Per-run scripted behaviour of the in-process worker's tools, by the topic the run was given. */
const reviewRejectsOnce = new Set<string>();
const extractFailsOnce = new Set<string>();

beforeAll(async () => {
  outputRoot = await tempDir('roles');
  taskQueue = uniqueName('roles');
  const real = createActivities({ outputRoot, model: offlineProvider });
  worker = await startTestWorker({
    taskQueue,
    outputRoot,
    activities: {
      review_draft: async (input) => {
        const review = await real.review_draft(input);
        if (!reviewRejectsOnce.delete(input.topic)) return review;
        return { ...review, passed: false, findings: ['the findings need a sharper summary'] };
      },
      extract_facts: async (input) => {
        const scripted = input.matches.find((m) => extractFailsOnce.has(m.title));
        if (scripted && extractFailsOnce.delete(scripted.title))
          throw ApplicationFailure.nonRetryable('extract_facts: the index is corrupt', NON_RETRYABLE.invalidInput);
        return real.extract_facts(input);
      },
    },
  });
});
afterAll(async () => worker?.stop());

const start = async (topic = 'durable agent harness', queue = taskQueue) =>
  startTestRun(temporal.client, queue, { topic, sources: await sampleSources(), options: { multiAgent: true } });

async function children(run: WorkflowHandle): Promise<{ type: string; id: string }[]> {
  return ((await run.fetchHistory()).events ?? []).flatMap((e) => {
    const started = e.startChildWorkflowExecutionInitiatedEventAttributes;
    return started ? [{ type: started.workflowType?.name ?? '', id: started.workflowId ?? '' }] : [];
  });
}

const pairs = (state: { roles?: { handoffs: { from: string; to: string }[] } }) => state.roles!.handoffs.map((h) => `${h.from}->${h.to}`);

test('a multi-role run: three child workflows, handoffs in order, the gate in the parent, one report', async () => {
  const run = await start();
  const gate = await approveAtGate(run);
  expect(gate.roles?.current).toBeNull();
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(await children(run)).toEqual([
    { type: 'plannerRole', id: `${run.workflowId}--planner` },
    { type: 'executorRole', id: `${run.workflowId}--executor` },
    { type: 'reviewerRole', id: `${run.workflowId}--reviewer` },
  ]);
  expect(pairs(result)).toEqual(['run->planner', 'planner->executor', 'executor->reviewer', 'reviewer->approval']);
  expect(result.roles!.handoffs.every((h) => h.endedAt)).toBe(true);
  expect(result.steps.map((s) => `${s.role ?? 'run'}:${s.tool}`)).toEqual([
    'planner:plan_run',
    'executor:search_sources',
    'executor:extract_facts',
    'executor:draft_report',
    'reviewer:review_draft',
    'run:finalize_report',
  ]);
  const trace = (await run.query(stateQuery)).trace.map((e) => e.type);
  expect(trace.filter((t) => t === 'role_handoff')).toHaveLength(4);
  expect(trace.filter((t) => t === 'tool_ok')).toHaveLength(6);
  await expectSingleApprovedReport(outputRoot, run.workflowId, gate.pendingAction!.digest);

  // Read as an operator reads it: the closed run rebuilt here, its handoffs, its export.
  const env = { TEMPORAL_ADDRESS: testAddress() };
  const handoffs = JSON.parse((await runHarness(['handoffs', run.workflowId, '--json'], env)).stdout);
  expect(handoffs).toMatchObject({ runMode: 'multi_agent', currentRole: null, handoffCount: 4 });
  expect(handoffs.handoffs[1]).toMatchObject({
    from: 'planner',
    to: 'executor',
    purpose: 'execute the plan',
    childId: `${run.workflowId}--executor`,
  });
  const summary = JSON.parse((await runHarness(['summary', run.workflowId, '--json'], env)).stdout);
  expect(summary.roles).toEqual({ current: null, handoffs: 4, seen: ['planner', 'executor', 'reviewer'] });
  const dir = await tempDir('roles-export');
  expect((await runHarness(['export', run.workflowId, '--dir', dir], env)).code).toBe(0);
  const exported = JSON.parse(await fs.readFile(path.join(dir, run.workflowId, 'handoffs.json'), 'utf8'));
  expect(exported.handoffs).toEqual(handoffs.handoffs);
});

test('the reviewer sends the draft back once; the executor revises it; the second review passes', async () => {
  const topic = 'durable agent harness revised';
  reviewRejectsOnce.add(topic);
  const run = await start(topic);
  await approveAtGate(run);
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(pairs(result)).toEqual([
    'run->planner',
    'planner->executor',
    'executor->reviewer',
    'reviewer->executor',
    'executor->reviewer',
    'reviewer->approval',
  ]);
  expect(result.roles!.handoffs[3].summary).toBe('findings: the findings need a sharper summary');
  expect((await children(run)).map((c) => c.id.slice(run.workflowId.length))).toEqual([
    '--planner',
    '--executor',
    '--reviewer',
    '--executor-2',
    '--reviewer-2',
  ]);
  // The revision drafted with the findings as one more plan step.
  expect(await fs.readFile(result.artifacts.report!.path, 'utf8')).toContain('Plan followed: 6 step(s).');
});

test('a role that fails for good pauses the parent on its tool; resume runs the role again as a new child', async () => {
  // extract_facts sees no topic: the scripted failure is keyed by the first match's title.
  const sources = await sampleSources();
  extractFailsOnce.add(sources[0].title);
  const run = await start('why agents need a harness');
  const paused = await waitForStatus(run, ['paused_on_error']);
  expect(paused.pausedOn).toMatchObject({ tool: 'extract_facts', error: expect.stringMatching(/^executor failed: .*index is corrupt/) });
  await run.executeUpdate(resumeUpdate, { args: [{ operator: 'ops' }] });
  await approveAtGate(run);
  expect((await run.result()).status).toBe('completed');
  expect((await children(run)).map((c) => c.id.slice(run.workflowId.length))).toEqual([
    '--planner',
    '--executor',
    '--executor-2',
    '--reviewer',
  ]);
});

test('rejected at the gate: nothing written; cancelled while a role runs: the child is cancelled too', async () => {
  const rejected = await start();
  await waitForStatus(rejected, ['waiting_approval']);
  await rejected.signal(rejectSignal, { approver: 'ops', reason: 'not now' });
  expect((await rejected.result()).status).toBe('rejected');
  expect(await reportFolder(outputRoot, rejected.workflowId)).toEqual([]);

  // A slow worker of its own, so the executor is still running when the run is cancelled.
  const slowQueue = uniqueName('roles-slow');
  const slow = await spawnWorkerProcess({
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: slowQueue,
    HARNESS_OUTPUT_DIR: outputRoot,
    HARNESS_OFFLINE_LATENCY_MS: '2000',
  });
  const cancelled = await start('durable agent harness', slowQueue);
  await waitFor(async () => (await cancelled.query(stateQuery)).roles?.current === 'executor', {
    timeoutMs: 30_000,
    what: 'the executor to start',
  });
  await cancelled.cancel();
  await expect(cancelled.result()).rejects.toThrow();
  const executor = temporal.client.workflow.getHandle(`${cancelled.workflowId}--executor`);
  await waitFor(async () => (await executor.describe()).status.name === 'CANCELLED', {
    timeoutMs: 30_000,
    what: 'the executor child to be cancelled',
  });
  expect(await reportFolder(outputRoot, cancelled.workflowId)).toEqual([]);
  await slow.kill('SIGKILL');
});

test('a worker SIGKILLed while the executor runs: another worker finishes the same child; one report', async () => {
  const queue = uniqueName('roles-kill');
  const env = { TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: queue, HARNESS_OUTPUT_DIR: outputRoot };
  // draft_report never finishes on this worker: the kill lands inside the executor however slow the machine is.
  const doomed = await spawnWorkerProcess({ ...env, HARNESS_FAULT: 'hang_in:draft_report' });
  const run = await startTestRun(temporal.client, queue, {
    topic: 'durable agent harness',
    sources: await sampleSources(),
    options: { multiAgent: true, heartbeatTimeoutMs: 2_000 },
  });
  const executor = temporal.client.workflow.getHandle(`${run.workflowId}--executor`);
  await waitFor(async () => (await executor.describe().catch(() => null)) !== null, { timeoutMs: 60_000, what: 'the executor child' });
  expect(await activityStartedBy(executor, 'draft_report')).toMatch(new RegExp(`^${doomed.child.pid}@`));
  await doomed.kill('SIGKILL');
  await spawnWorkerProcess({ ...env, HARNESS_OFFLINE_LATENCY_MS: '100' });
  const gate = await approveAtGate(run);
  expect((await run.result()).status).toBe('completed');
  expect((await children(run)).map((c) => c.id.slice(run.workflowId.length))).toEqual(['--planner', '--executor', '--reviewer']);
  await expectSingleApprovedReport(outputRoot, run.workflowId, gate.pendingAction!.digest);
});
