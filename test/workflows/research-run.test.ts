/** The research run on the real dev server with the real offline tools. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { approveSignal, pendingQuery, rejectSignal, stateQuery, traceQuery } from '../../src/shared/messages';
import type { SourceDocument } from '../../src/shared/tools';
import { waitFor } from '../../src/client/api/wait-for';
import {
  failureOf,
  reportFolder,
  sampleSources,
  startTestRun,
  startUncheckedRun,
  startTestWorker,
  tempDir,
  testClient,
  TestWorker,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';

const TOPIC = 'durable agent harness engineering';
let outputRoot: string;
let taskQueue: string;
let worker: TestWorker;
let client: Awaited<ReturnType<typeof testClient>>;
let sources: SourceDocument[];

beforeAll(async () => {
  outputRoot = await tempDir('wf');
  taskQueue = uniqueName('wf');
  worker = await startTestWorker({ taskQueue, outputRoot });
  client = await testClient();
  sources = await sampleSources();
});

afterAll(async () => {
  await client?.close();
  await worker?.stop();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

test('happy path: waits at the gate, answers queries, writes exactly the approved draft', async () => {
  const run = await startTestRun(client.client, taskQueue, { topic: TOPIC, sources });
  const waiting = await waitForStatus(run, ['waiting_approval']);

  // Queries while waiting.
  const pending = await run.query(pendingQuery);
  expect(pending).not.toBeNull();
  expect(pending!.tool).toBe('finalize_report');
  expect(pending!.proposedPath).toBe(`${run.workflowId}/final_report.md`);
  expect(pending!.preview.firstLines[0]).toBe(`# Report: ${TOPIC}`);
  expect(pending!.review?.passed).toBe(true);
  expect(waiting.currentStep).toBe('approval');
  expect(waiting.plan.length).toBeGreaterThan(0);
  expect(waiting.provider).toBe('offline');
  expect(waiting.steps.map((s) => s.tool)).toEqual(['plan_run', 'search_sources', 'extract_facts', 'draft_report', 'review_draft']);
  expect(waiting.steps.every((s) => s.status === 'ok' && s.attempts === 1)).toBe(true);
  expect(await reportFolder(outputRoot, run.workflowId)).toEqual([]);

  await run.signal(approveSignal, { approver: 'alice', comment: 'looks right', digest: pending!.digest });
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.decision).toMatchObject({ outcome: 'approved', approver: 'alice', comment: 'looks right' });

  const file = path.join(outputRoot, run.workflowId, 'final_report.md');
  const content = await fs.readFile(file, 'utf8');
  expect(sha256(content)).toBe(pending!.digest);
  expect(content).toContain('## Key Findings');
  expect(content).toContain('## Harness Notes');
  expect(result.artifacts.report).toEqual({ path: file, bytes: Buffer.byteLength(content), sha256: pending!.digest });
  expect(await reportFolder(outputRoot, run.workflowId)).toEqual(['final_report.md']);

  const types = (await run.query(traceQuery)).map((e) => e.type);
  expect(types[0]).toBe('run_created');
  expect(types).toEqual(expect.arrayContaining(['plan_recorded', 'draft_reviewed', 'approval_required', 'approval_granted']));
  expect(types[types.length - 1]).toBe('run_completed');
  expect(types.indexOf('approval_required')).toBeLessThan(types.indexOf('approval_granted'));
});

test('reject path: status rejected and nothing written', async () => {
  const run = await startTestRun(client.client, taskQueue, { topic: TOPIC, sources });
  await waitForStatus(run, ['waiting_approval']);
  await run.signal(rejectSignal, { approver: 'bob', reason: 'not needed' });
  const result = await run.result();
  expect(result.status).toBe('rejected');
  expect(result.decision).toMatchObject({ outcome: 'rejected', approver: 'bob', reason: 'not needed' });
  expect(result.artifacts.report).toBeUndefined();
  expect(await reportFolder(outputRoot, run.workflowId)).toEqual([]);
  expect((await run.query(traceQuery)).map((e) => e.type)).toContain('approval_rejected');
});

test('an invalid payload and a wrong digest are refused and the run keeps waiting', async () => {
  const run = await startTestRun(client.client, taskQueue, { topic: TOPIC, sources });
  await waitForStatus(run, ['waiting_approval']);
  await run.signal(approveSignal, { approver: 42 });
  await run.signal(approveSignal, 'yes please');
  await run.signal(approveSignal, { approver: 'mallory', digest: 'f'.repeat(64) });

  const refusals = await waitFor(
    async () => {
      const events = (await run.query(traceQuery)).filter((e) => e.type === 'approval_refused');
      return events.length === 3 ? events : null;
    },
    { timeoutMs: 60_000, what: 'three refusals in the trace' },
  );
  expect(refusals[0].message).toMatch(/invalid payload: approver/);
  expect(refusals[1].message).toMatch(/invalid payload/);
  expect(refusals[2].message).toMatch(/does not match the pending draft/);
  const state = await run.query(stateQuery);
  expect(state.status).toBe('waiting_approval');
  expect(state.decision).toBeNull();

  // The run is still usable: a correct approval completes it.
  await run.signal(approveSignal, { approver: 'alice', digest: state.pendingAction!.digest });
  expect((await run.result()).status).toBe('completed');
});

test('invalid workflow input fails the run with a message naming the field', async () => {
  const run = await startUncheckedRun(client.client, taskQueue, { topic: 'x', sources: [] });
  expect(await failureOf(run)).toMatch(/invalid run input: topic: .*; sources: /);
  const state = await run.query(stateQuery);
  expect(state.status).toBe('failed');
});

test('a draft that fails review ends the run as failed with the findings', async () => {
  const run = await startTestRun(client.client, taskQueue, { topic: 'quantum chromodynamics', sources });
  expect(await failureOf(run)).toMatch(/review failed: .*no findings/);
  const state = await run.query(stateQuery);
  expect(state.status).toBe('failed');
  expect(state.findings.join(' ')).toMatch(/no source matched/);
  expect(state.trace.map((e) => e.type)).toEqual(expect.arrayContaining(['draft_reviewed', 'run_failed']));
  expect(await reportFolder(outputRoot, run.workflowId)).toEqual([]);
});

test('a decision sent before the gate is refused and does not advance the run', async () => {
  // No worker polls this queue yet, so the signal lands before the workflow's first task.
  const lateQueue = uniqueName('late');
  const run = await startTestRun(client.client, lateQueue, { topic: TOPIC, sources });
  await run.signal(approveSignal, { approver: 'eager' });
  const lateWorker = await startTestWorker({ taskQueue: lateQueue, outputRoot });
  try {
    const state = await waitForStatus(run, ['waiting_approval']);
    const refused = state.trace.filter((e) => e.type === 'approval_refused');
    expect(refused).toHaveLength(1);
    expect(refused[0].message).toBe('no decision is pending (status: running)');
    expect(state.decision).toBeNull();
    await run.signal(rejectSignal, {});
    await run.signal(rejectSignal, { approver: 'Ops ' });
    // A decision that names nobody is refused; a name is recorded in its canonical form.
    expect((await run.result()).decision).toMatchObject({ outcome: 'rejected', approver: 'ops' });
    expect((await run.query(traceQuery)).filter((e) => e.type === 'approval_refused').map((e) => e.message)).toContain(
      'invalid payload: approver: required: say who decides',
    );
  } finally {
    await lateWorker.stop();
  }
});

test('a reused run id never replaces the first report; the run pauses inside finalize_report and can still be cancelled there', async () => {
  const id = uniqueName('reuse');
  const first = await startTestRun(client.client, taskQueue, { topic: TOPIC, sources }, id);
  const gate = await waitForStatus(first, ['waiting_approval']);
  await first.signal(approveSignal, { approver: 'alice', digest: gate.pendingAction!.digest });
  expect((await first.result()).status).toBe('completed');
  const reportFile = path.join(outputRoot, id, 'final_report.md');
  const approved = await fs.readFile(reportFile, 'utf8');

  // The client refuses the id outright.
  await expect(startTestRun(client.client, taskQueue, { topic: TOPIC, sources }, id)).rejects.toThrow(/already started|already exists/i);
  // A foreign client may allow duplicates: the write is refused where it happens.
  const second = await startUncheckedRun(client.client, taskQueue, { topic: 'durable agent harness retries', sources }, id);
  const secondGate = await waitForStatus(second, ['waiting_approval']);
  await second.signal(approveSignal, { approver: 'alice', digest: secondGate.pendingAction!.digest });
  const paused = await waitForStatus(second, ['paused_on_error']);
  expect(paused.pausedOn).toMatchObject({
    tool: 'finalize_report',
    error: expect.stringMatching(/^ReportExists: a different report already exists/),
  });
  expect(await fs.readFile(reportFile, 'utf8')).toBe(approved);

  await second.cancel();
  expect((await waitForStatus(second, ['cancelled'])).status).toBe('cancelled');
  expect(await fs.readFile(reportFile, 'utf8')).toBe(approved);
});
