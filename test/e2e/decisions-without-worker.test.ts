/**
 * An operator decides while no worker runs (every worker SIGKILLed): `harness approve` cannot get
 * an answer from the run, so it sends the decision as a signal pinned to the digest the gate
 * published in the memo. The decision is in history at once and is checked when a worker returns:
 * an unauthorized one is refused then, an authorized one completes the run.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stateQuery } from '../../src/shared/messages';
import type { researchRun } from '../../src/workflows';
import { runHarness } from '../helpers/processes';
import { expectSingleApprovedReport } from '../helpers/reports';
import { tempDir, testAddress, uniqueName, waitForStatus } from '../helpers/temporal';
import { useClient, useWorkerProcesses } from '../helpers/test-bed';

const temporal = useClient();
const spawnWorker = useWorkerProcesses();

test('approve and reject reach a run whose every worker is dead, and are checked when one returns', async () => {
  const outputRoot = await tempDir('no-worker');
  const policyFile = path.join(outputRoot, 'policy.json');
  await fs.writeFile(policyFile, JSON.stringify({ version: 1, name: 'alice-only', tools: { finalize_report: { approvers: ['alice'] } } }));
  const env = {
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: uniqueName('no-worker'),
    HARNESS_OUTPUT_DIR: outputRoot,
    HARNESS_DECISION_WAIT_MS: '2000',
    XDG_STATE_HOME: outputRoot,
  };
  const first = await spawnWorker(env);
  const started = await runHarness(['start', '--topic', 'durable agent harness', '--policy', policyFile, '--json'], env);
  const run = temporal.client.workflow.getHandle<typeof researchRun>(JSON.parse(started.stdout).workflowId);
  const gate = await waitForStatus(run, ['waiting_approval']);
  const digest = gate.pendingAction!.digest;
  await first.kill('SIGKILL');

  // The inbox still shows the gate, from the memo Temporal serves without a worker.
  const inbox = JSON.parse((await runHarness(['inbox', '--json', '--page-size', '1000'], env)).stdout);
  expect(inbox.runs.find((r: { workflowId: string }) => r.workflowId === run.workflowId)).toMatchObject({
    tool: 'finalize_report',
    digestPrefix: digest.slice(0, 12),
  });

  // Nothing can answer an update or a query now; the decisions still land, pinned to the digest.
  // `pending` needs a worker; the digest the approver read comes with --digest instead.
  const stranger = await runHarness(['approve', run.workflowId, '--approver', 'mallory', '--digest', digest.slice(0, 12)], env);
  expect(stranger.code).toBe(0);
  expect(stranger.stdout).toContain(`no worker answered: approve recorded as a signal pinned to digest ${digest.slice(0, 12)}…`);
  const alice = await runHarness(['approve', run.workflowId, '--approver', 'alice', '--digest', digest, '--json'], env);
  expect(JSON.parse(alice.stdout)).toMatchObject({ delivery: 'signal', digest, approver: 'alice' });
  const signals = (await run.fetchHistory()).events?.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'approve');
  expect(signals).toHaveLength(2);

  await spawnWorker(env);
  const result = await run.result();
  expect(result).toMatchObject({ status: 'completed', decision: { outcome: 'approved', approver: 'alice' } });
  await expectSingleApprovedReport(outputRoot, run.workflowId, digest);
  const refused = (await run.query(stateQuery)).trace.filter((e) => e.type === 'approval_refused');
  expect(refused.map((e) => e.message)).toEqual(['mallory is not an allowed approver for finalize_report (allowed: alice)']);

  // A closed run refuses at once, without a worker.
  const late = await runHarness(['reject', run.workflowId], env);
  expect(late.code).toBe(1);
  expect(late.stderr).toBe(`harness: reject refused: run ${run.workflowId} has already ended\n`);
});
