/**
 * HARNESS_LOG_FORMAT=json: every line a `harness worker` process writes is one JSON object, tool
 * attempts carry workflow id, run id, tool and attempt, and nothing is logged twice although the
 * worker keeps no workflow in its cache (every workflow task replays the whole history).
 */
import { approveSignal } from '../../src/shared/messages';
import { TOOL_NAMES } from '../../src/shared/tools';
import { useClient, useWorkerProcesses } from '../helpers/test-bed';
import { sampleSources, startTestRun, tempDir, testAddress, uniqueName, waitForStatus } from '../helpers/temporal';

const temporal = useClient();
const spawnWorkerProcess = useWorkerProcesses();

test('JSON logs, one line per status change and per tool attempt, replay-safe', async () => {
  const taskQueue = uniqueName('logs');
  const worker = await spawnWorkerProcess({
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: taskQueue,
    HARNESS_OUTPUT_DIR: await tempDir('logs-out'),
    HARNESS_LOG_FORMAT: 'json',
    HARNESS_MAX_CACHED_WORKFLOWS: '0',
  });
  const run = await startTestRun(temporal.client, taskQueue, { topic: 'durable agent harness', sources: await sampleSources() });
  const { pendingAction } = await waitForStatus(run, ['waiting_approval']);
  await run.signal(approveSignal, { approver: 'ops', digest: pendingAction!.digest });
  expect((await run.result()).status).toBe('completed');
  await worker.kill('SIGTERM');

  const lines = worker.output().split('\n').filter(Boolean);
  const entries = lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON line: ${line}`);
    }
  });
  for (const entry of entries)
    expect(entry).toMatchObject({ time: expect.any(String), level: expect.any(String), message: expect.any(String) });

  const ofRun = entries.filter((e) => e.workflowId === run.workflowId);
  const statuses = ofRun.filter((e) => String(e.message).startsWith('run ')).map((e) => e.status);
  expect(statuses).toEqual(['waiting_approval', 'running', 'completed']);
  const attempts = ofRun.filter((e) => e.message === 'tool attempt ok');
  expect(attempts.map((e) => e.tool)).toEqual(TOOL_NAMES);
  for (const attempt of attempts)
    expect(attempt).toMatchObject({ attempt: 1, workflowId: run.workflowId, workflowRunId: expect.any(String) });
});
