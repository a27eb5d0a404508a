/** A worker process killed with SIGKILL while its run waits; a new process finishes the run. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { approveSignal, pendingQuery } from '../../src/shared/messages';
import { spawnWorkerProcess, WorkerProcess } from '../helpers/processes';
import {
  reportFolder,
  sampleSources,
  startTestRun,
  tempDir,
  testAddress,
  testClient,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';

let client: Awaited<ReturnType<typeof testClient>>;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  client = await testClient();
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await client?.close();
});

test('the run survives its worker process and completes once on another', async () => {
  const outputRoot = await tempDir('crash');
  const env = { TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: uniqueName('crash'), HARNESS_OUTPUT_DIR: outputRoot };
  const first = await spawnWorkerProcess(env);
  workers.push(first);

  const run = await startTestRun(client.client, env.HARNESS_TASK_QUEUE, { topic: 'durable agent harness', sources: await sampleSources() });
  await waitForStatus(run, ['waiting_approval']);
  const pending = await run.query(pendingQuery);

  await first.kill('SIGKILL');
  expect(first.child.signalCode).toBe('SIGKILL');
  await run.signal(approveSignal, { approver: 'ops', digest: pending!.digest });

  const second = await spawnWorkerProcess(env);
  workers.push(second);
  const result = await run.result();

  expect(result.status).toBe('completed');
  expect(await reportFolder(outputRoot, run.workflowId)).toEqual(['final_report.md']);
  const content = await fs.readFile(path.join(outputRoot, run.workflowId, 'final_report.md'), 'utf8');
  expect(createHash('sha256').update(content).digest('hex')).toBe(pending!.digest);
  expect(result.steps.filter((s) => s.tool === 'finalize_report')).toHaveLength(1);
});
