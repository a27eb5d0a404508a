/**
 * Local and remote tools on real worker processes: the same run reaches the same report bytes in
 * either mode, and a worker SIGKILLed inside a local step (which lives inside its workflow task)
 * leaves the run to another worker, which runs the step again and writes exactly one report.
 */
import { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../src/client/api/wait-for';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../../src/config/policy-file';
import type { RunExecution } from '../../src/shared/execution';
import { TOOL_NAMES } from '../../src/shared/tools';
import { expectSingleApprovedReport } from '../helpers/reports';
import { useClient, useWorkerProcesses } from '../helpers/test-bed';
import { approveAtGate, sampleSources, startTestRun, tempDir, testAddress, toolsInHistory, uniqueName } from '../helpers/temporal';

const EventType = temporal.api.enums.v1.EventType;
const temporalClient = useClient();
const spawnWorkerProcess = useWorkerProcesses();

async function setup(prefix: string) {
  const outputRoot = await tempDir(prefix);
  const env = { TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: uniqueName(prefix), HARNESS_OUTPUT_DIR: outputRoot };
  // The policy travels in the input, so the run's first workflow task goes straight to plan_run.
  const policy = await loadPolicyFile(DEFAULT_POLICY_FILE);
  const start = async (execution: RunExecution) =>
    startTestRun(temporalClient.client, env.HARNESS_TASK_QUEUE, {
      topic: 'durable agent harness',
      sources: await sampleSources(),
      policy,
      options: { execution },
    });
  return { outputRoot, start, spawnWorker: (extra: NodeJS.ProcessEnv = {}) => spawnWorkerProcess({ ...env, ...extra }) };
}

test('every tool local and every tool remote: the same report bytes and digest, and the history shows each mode', async () => {
  const { outputRoot, start, spawnWorker } = await setup('modes');
  await spawnWorker();
  const [local, remote] = await Promise.all([start('local'), start('remote')]);
  await Promise.all([approveAtGate(local), approveAtGate(remote)]);
  const [localResult, remoteResult] = await Promise.all([local.result(), remote.result()]);
  expect([localResult.status, remoteResult.status]).toEqual(['completed', 'completed']);
  expect(localResult.steps.map((s) => s.execution)).toEqual(Array(TOOL_NAMES.length).fill('local'));
  expect(remoteResult.steps.map((s) => s.execution)).toEqual(Array(TOOL_NAMES.length).fill('remote'));

  const bytes = await Promise.all([local, remote].map((run) => fs.readFile(path.join(outputRoot, run.workflowId, 'final_report.md'))));
  expect(bytes[0].equals(bytes[1])).toBe(true);
  expect(localResult.artifacts.report?.sha256).toBe(createHash('sha256').update(bytes[0]).digest('hex'));
  expect(remoteResult.artifacts.report?.sha256).toBe(localResult.artifacts.report?.sha256);

  const modes = async (run: WorkflowHandle) => (await toolsInHistory(run)).map((call) => `${call.tool}:${call.execution}`);
  expect(await modes(local)).toEqual(TOOL_NAMES.map((tool) => `${tool}:local`));
  expect(await modes(remote)).toEqual(TOOL_NAMES.map((tool) => `${tool}:remote`));
});

test('SIGKILL inside a local step: the workflow task times out, another worker runs the step again, one report', async () => {
  const { outputRoot, start, spawnWorker } = await setup('mid-local');
  // plan_run is the first step and never finishes on this worker: the kill lands inside it.
  const doomed = await spawnWorker({ HARNESS_FAULT: 'hang_in:plan_run' });
  const run = await start('local');
  const events = async () => (await run.fetchHistory()).events ?? [];
  await waitFor(
    async () => {
      const types = (await events()).map((e) => e.eventType);
      return types.includes(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) && !types.includes(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    },
    { timeoutMs: 30_000, what: 'the first workflow task (and its local plan_run) to start' },
  );
  await doomed.kill('SIGKILL');
  await spawnWorker({ HARNESS_OFFLINE_LATENCY_MS: '50' });

  const gate = await approveAtGate(run);
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.steps.map((s) => `${s.tool}:${s.status}`)).toEqual(TOOL_NAMES.map((tool) => `${tool}:ok`));
  await expectSingleApprovedReport(outputRoot, run.workflowId, gate.pendingAction!.digest);
  // The lost task shows as timed out; every local step's marker was recorded once, by the second worker.
  const history = await events();
  expect(history.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT).length).toBeGreaterThanOrEqual(1);
  expect((await toolsInHistory(run)).map((call) => call.tool)).toEqual([...TOOL_NAMES]);
  const identities = history.flatMap((e) =>
    e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : [],
  );
  expect(identities.some((identity) => identity.startsWith(`${doomed.child.pid}@`))).toBe(false);
});

test('SIGKILL inside a local finalize_report after the file is written: the step runs again and writes nothing twice', async () => {
  const { outputRoot, start, spawnWorker } = await setup('mid-local-finalize');
  const doomed = await spawnWorker({ HARNESS_FAULT: 'crash_after_report_write' });
  const run = await start({ finalize_report: 'local' });
  const gate = await approveAtGate(run);
  await waitFor(async () => doomed.child.signalCode === 'SIGKILL', { timeoutMs: 30_000, what: 'the worker to crash mid-finalize' });
  const report = path.join(outputRoot, run.workflowId, 'final_report.md');
  const writtenBeforeCrash = await fs.stat(report);

  await spawnWorker();
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.steps.find((s) => s.tool === 'finalize_report')).toMatchObject({ status: 'ok', execution: 'local' });
  await expectSingleApprovedReport(outputRoot, run.workflowId, gate.pendingAction!.digest);
  expect((await fs.stat(report)).mtimeMs).toBe(writtenBeforeCrash.mtimeMs);
});
