/**
 * Real worker processes killed with SIGKILL at each phase of a run: inside a long activity,
 * at the approval gate, inside finalize_report after the file is written, and one of two
 * workers sharing runs.
 * Every run completes with exactly one report whose digest is the approved draft's.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../src/client/api/wait-for';
import { approveSignal, stateQuery } from '../../src/shared/messages';
import { useClient, useWorkerProcesses } from '../helpers/test-bed';
import {
  activityStartedBy,
  activityStarts,
  approveAtGate,
  sampleSources,
  startTestRun,
  tempDir,
  testAddress,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';
import { expectSingleApprovedReport } from '../helpers/reports';

const temporal = useClient();
const spawnWorkerProcess = useWorkerProcesses();

async function setup(prefix: string) {
  const outputRoot = await tempDir(prefix);
  const env = { TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: uniqueName(prefix), HARNESS_OUTPUT_DIR: outputRoot };
  const spawnWorker = async (extra: NodeJS.ProcessEnv = {}) => {
    return spawnWorkerProcess({ ...env, ...extra });
  };
  const start = async () =>
    startTestRun(temporal.client, env.HARNESS_TASK_QUEUE, {
      topic: 'durable agent harness',
      sources: await sampleSources(),
      options: { heartbeatTimeoutMs: 2_000 },
    });
  return { outputRoot, spawnWorker, start };
}

test('SIGKILL in the middle of a long activity: the attempt times out on heartbeat and another worker retries it', async () => {
  const { outputRoot, spawnWorker, start } = await setup('mid-activity');
  // draft_report never finishes on this worker: the kill lands inside it however slow the machine is.
  const first = await spawnWorker({ HARNESS_FAULT: 'hang_in:draft_report' });
  const run = await start();
  expect(await activityStartedBy(run, 'draft_report')).toMatch(new RegExp(`^${first.child.pid}@`));
  await first.kill('SIGKILL');
  const second = await spawnWorker({ HARNESS_OFFLINE_LATENCY_MS: '100' });

  const gate = await approveAtGate(run);
  const result = await run.result();
  expect(result.status).toBe('completed');
  // The lost attempt timed out on heartbeat and Temporal retried it on the new worker. (A machine
  // too busy to heartbeat in time may have cost the first worker an attempt more before it died.)
  const [retried] = await activityStarts(run, 'draft_report');
  expect(retried).toMatchObject({ attempt: expect.any(Number), lastFailure: expect.stringMatching(/heartbeat/i) });
  expect(retried.identity).toMatch(new RegExp(`^${second.child.pid}@`));
  expect(retried.attempt).toBeGreaterThanOrEqual(2);
  expect(result.steps.find((s) => s.tool === 'draft_report')).toMatchObject({ status: 'ok', attempts: retried.attempt });
  expect(gate.trace.filter((e) => e.type === 'tool_error')).toEqual([]);
  await expectSingleApprovedReport(outputRoot, run.workflowId, gate.pendingAction!.digest);
});

test('SIGKILL while the run waits for approval: the signal is applied by a new worker process', async () => {
  const { outputRoot, spawnWorker, start } = await setup('at-gate');
  const first = await spawnWorker();
  const run = await start();
  const state = await waitForStatus(run, ['waiting_approval']);
  await first.kill('SIGKILL');
  expect(first.child.signalCode).toBe('SIGKILL');
  await run.signal(approveSignal, { approver: 'ops', digest: state.pendingAction!.digest });

  await spawnWorker();
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.steps.filter((s) => s.tool === 'finalize_report')).toHaveLength(1);
  await expectSingleApprovedReport(outputRoot, run.workflowId, state.pendingAction!.digest);
});

test('SIGKILL inside finalize_report after the file is written: the retry finds it and writes nothing twice', async () => {
  const { outputRoot, spawnWorker, start } = await setup('mid-finalize');
  const doomed = await spawnWorker({ HARNESS_FAULT: 'crash_after_report_write' });
  const run = await start();
  const gate = await approveAtGate(run);

  await waitFor(async () => doomed.child.signalCode === 'SIGKILL', { timeoutMs: 30_000, what: 'the worker to crash mid-finalize' });
  const report = path.join(outputRoot, run.workflowId, 'final_report.md');
  const writtenBeforeCrash = await fs.stat(report);

  await spawnWorker();
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.steps.find((s) => s.tool === 'finalize_report')).toMatchObject({ status: 'ok', attempts: 2 });
  await expectSingleApprovedReport(outputRoot, run.workflowId, gate.pendingAction!.digest);
  expect((await fs.stat(report)).mtimeMs).toBe(writtenBeforeCrash.mtimeMs);
});

test('two workers share runs; killing one leaves every run finishing on the other', async () => {
  const { outputRoot, spawnWorker, start } = await setup('two-workers');
  const [a, b] = await Promise.all([
    spawnWorker({ HARNESS_OFFLINE_LATENCY_MS: '400' }),
    spawnWorker({ HARNESS_OFFLINE_LATENCY_MS: '400' }),
  ]);
  const runs = await Promise.all(Array.from({ length: 6 }, () => start()));
  // Kill one worker while runs are mid-flight on both.
  await waitFor(async () => (await Promise.all(runs.map((r) => r.query(stateQuery)))).some((s) => s.currentStep === 'draft_report'), {
    timeoutMs: 30_000,
    what: 'a run to be drafting',
  });
  await a.kill('SIGKILL');

  const gates = await Promise.all(runs.map(approveAtGate));
  const results = await Promise.all(runs.map((r) => r.result()));
  expect(results.map((r) => r.status)).toEqual(Array(6).fill('completed'));
  for (const [i, run] of runs.entries()) await expectSingleApprovedReport(outputRoot, run.workflowId, gates[i].pendingAction!.digest);

  // Both processes did work: their identities (pid@host) appear in the histories.
  const identities = new Set<string>();
  for (const run of runs) {
    for (const event of (await run.fetchHistory()).events ?? []) {
      const identity = event.activityTaskStartedEventAttributes?.identity ?? event.workflowTaskStartedEventAttributes?.identity;
      if (identity) identities.add(identity.split('@')[0]);
    }
  }
  expect(identities).toEqual(new Set([String(a.child.pid), String(b.child.pid)]));
});
