/**
 * Failures a dev server cannot show, on the production-shape cluster: worker processes SIGKILLed
 * at the gate and inside a tool, the history service SIGKILLed and restarted while runs are in
 * flight and at the gate, the matching service restarted, the frontend restarted while a client
 * waits on a result. Every run completes with exactly one report; nothing is lost or duplicated.
 */
import { waitFor } from '../../src/client/api/wait-for';
import { stateQuery } from '../../src/shared/messages';
import type { RunState } from '../../src/shared/run';
import { expectSingleApprovedReport } from '../helpers/reports';
import { activityStartedBy, activityStarts, approveAtGate, sampleSources, startTestRun, waitForStatus } from '../helpers/temporal';
import { useWorkerProcesses } from '../helpers/test-bed';
import { useClusterBed } from './cluster-bed';

const bed = useClusterBed('failures');
const spawnWorker = useWorkerProcesses();

const start = async () =>
  startTestRun(bed.client, bed.taskQueue, {
    topic: 'durable agent harness',
    sources: await sampleSources(),
    options: { heartbeatTimeoutMs: 2_000 },
  });

type Run = Awaited<ReturnType<typeof start>>;

/** Approves every run at its gate and expects each to complete with one report of the approved digest. */
async function finishAll(runs: Run[]): Promise<void> {
  const gates: RunState[] = await Promise.all(runs.map(approveAtGate));
  const results = await Promise.all(runs.map((run) => run.result()));
  expect(results.map((r) => r.status)).toEqual(runs.map(() => 'completed'));
  for (const [i, run] of runs.entries()) {
    expect(results[i].steps.filter((s) => s.tool === 'finalize_report')).toHaveLength(1);
    await expectSingleApprovedReport(bed.outputRoot, run.workflowId, gates[i].pendingAction!.digest);
  }
}

const drafting = async (runs: Run[]) =>
  waitFor(async () => (await Promise.all(runs.map((r) => r.query(stateQuery)))).some((s) => s.currentStep === 'draft_report'), {
    timeoutMs: 60_000,
    what: 'a run to be drafting',
  });

test('a worker SIGKILLed inside a tool and another at the gate: new workers finish both runs', async () => {
  // draft_report never finishes on this worker: the kill lands inside it however slow the machine is.
  const slow = await spawnWorker({ ...bed.env, HARNESS_FAULT: 'hang_in:draft_report' });
  const midTool = await start();
  expect(await activityStartedBy(midTool, 'draft_report')).toMatch(new RegExp(`^${slow.child.pid}@`));
  await slow.kill('SIGKILL');

  const atGate = await spawnWorker(bed.env);
  const gated = await start();
  await waitForStatus(gated, ['waiting_approval'], 60_000);
  await atGate.kill('SIGKILL');

  await spawnWorker(bed.env);
  await finishAll([midTool, gated]);
  // The lost attempt timed out on heartbeat and the cluster retried it on the new worker.
  const [retried] = await activityStarts(midTool, 'draft_report');
  // (A busy machine may cost an attempt more: a late heartbeat, or the gate's worker killed inside it.)
  expect(retried).toMatchObject({ lastFailure: expect.stringMatching(/heartbeat/i) });
  expect(retried.attempt).toBeGreaterThanOrEqual(2);
});

test('the history service SIGKILLed and restarted with runs in flight and at the gate', async () => {
  await Promise.all([
    spawnWorker({ ...bed.env, HARNESS_OFFLINE_LATENCY_MS: '400' }),
    spawnWorker({ ...bed.env, HARNESS_OFFLINE_LATENCY_MS: '400' }),
  ]);
  const gated = await Promise.all([start(), start(), start()]);
  await Promise.all(gated.map((run) => waitForStatus(run, ['waiting_approval'], 60_000)));
  const inFlight = await Promise.all([start(), start(), start()]);
  await drafting(inFlight);

  await bed.cluster.kill('history', 'SIGKILL');
  await bed.cluster.start('history');
  await finishAll([...gated, ...inFlight]);
});

test('the matching service restarted while runs are in flight', async () => {
  await spawnWorker({ ...bed.env, HARNESS_OFFLINE_LATENCY_MS: '400' });
  const runs = await Promise.all([start(), start(), start(), start()]);
  await drafting(runs);

  await bed.cluster.kill('matching', 'SIGTERM');
  await bed.cluster.start('matching');
  await finishAll(runs);
});

test('the frontend restarted while a client waits on the result: the client reconnects and gets it', async () => {
  await spawnWorker(bed.env);
  const run = await start();
  const gate = await waitForStatus(run, ['waiting_approval'], 60_000);
  const result = run.result();

  await bed.cluster.kill('frontend', 'SIGKILL');
  await bed.cluster.start('frontend');
  await approveAtGate(run);
  expect((await result).status).toBe('completed');
  await expectSingleApprovedReport(bed.outputRoot, run.workflowId, gate.pendingAction!.digest);
});
