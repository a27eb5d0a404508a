/** Operators approve with the real `temporal` binary, not only with our CLI. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findGoTool, TEMPORAL_CLI } from '../../src/server/go-tools';
import { traceQuery } from '../../src/shared/messages';
import { waitFor } from '../../src/client/wait-for';
import {
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  testAddress,
  testClient,
  TestWorker,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';

const exec = promisify(execFile);
let worker: TestWorker;
let client: Awaited<ReturnType<typeof testClient>>;
let taskQueue: string;
let temporal: string;

beforeAll(async () => {
  const found = await findGoTool(TEMPORAL_CLI);
  if (!found) throw new Error('the temporal binary is missing: run `npm run setup`');
  temporal = found;
  taskQueue = uniqueName('tcli');
  worker = await startTestWorker({ taskQueue, outputRoot: await tempDir('tcli') });
  client = await testClient();
});

afterAll(async () => {
  await client?.close();
  await worker?.stop();
});

const signal = (id: string, name: string, input: string) =>
  exec(temporal, ['workflow', 'signal', '--address', testAddress(), '--workflow-id', id, '--name', name, '--input', input]);

test('`temporal workflow signal` with a malformed payload is refused, then approve resumes the run', async () => {
  const run = await startTestRun(client.client, taskQueue, { topic: 'durable agent harness', sources: await sampleSources() });
  await waitForStatus(run, ['waiting_approval']);

  await signal(run.workflowId, 'approve', '{"approver": 7}');
  await waitFor(async () => (await run.query(traceQuery)).some((e) => e.type === 'approval_refused'), {
    timeoutMs: 15_000,
    what: 'the malformed approval to be refused',
  });
  expect((await waitForStatus(run, ['waiting_approval'])).decision).toBeNull();

  await signal(run.workflowId, 'approve', '{"approver":"ops"}');
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.decision).toMatchObject({ outcome: 'approved', approver: 'ops' });
});
