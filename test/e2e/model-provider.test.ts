/**
 * The model path against a real OpenAI-compatible HTTP server on loopback (scripted answers),
 * with a real worker process configured through the environment: completion, retries (500,
 * 429 + Retry-After), a 401 that pauses at once, a non-JSON reviewer, token accounting and the
 * budget pause, and the API key's absence from everything the harness records.
 */
import { Client, WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { waitFor } from '../../src/client/api/wait-for';
import { abortUpdate, approveUpdate, resumeUpdate, stateQuery, traceQuery } from '../../src/shared/messages';
import type { RunInput } from '../../src/shared/run';
import type { researchRun } from '../../src/workflows';
import { FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai';
import { spawnWorkerProcess, WorkerProcess } from '../helpers/processes';
import {
  activityStarts,
  failureOf,
  sampleSources,
  startTestRun,
  tempDir,
  testAddress,
  testClient,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';

const API_KEY = 'sk-harness-SECRET-0123456789';
let fake: FakeOpenAI;
let worker: WorkerProcess;
let client: Client;
let closeClient: () => Promise<void>;
let taskQueue: string;
const runs: WorkflowHandle<typeof researchRun>[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: API_KEY });
  taskQueue = uniqueName('model');
  worker = await spawnWorkerProcess({
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: taskQueue,
    HARNESS_OUTPUT_DIR: await tempDir('model'),
    HARNESS_MODEL_PROVIDER: 'openai_compatible',
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: API_KEY,
    HARNESS_MODEL_NAME: 'fake-model',
  });
  ({ client, close: closeClient } = await testClient());
});

afterAll(async () => {
  await worker?.kill('SIGTERM');
  await closeClient?.();
  await fake?.close();
});

async function start(options: RunInput['options'] = {}) {
  const run = await startTestRun(client, taskQueue, { topic: 'durable agent harness', sources: await sampleSources(), options });
  runs.push(run);
  return run;
}

async function approve(run: WorkflowHandle<typeof researchRun>) {
  const state = await waitForStatus(run, ['waiting_approval']);
  await run.executeUpdate(approveUpdate, { args: [{ approver: 'ops', digest: state.pendingAction!.digest }] });
  return run.result();
}

test('a model-backed run completes, with the model named and its token usage summed', async () => {
  const run = await start();
  const result = await approve(run);
  expect(result.status).toBe('completed');
  expect(result.provider).toBe('fake-model');
  expect(result.plan).toEqual(['Search the sources.', 'Draft the report.', 'Review it.']);
  expect(result.usage).toMatchObject({ promptTokens: 300, completionTokens: 60, totalTokens: 360, reportedSteps: 3, unreportedSteps: 0 });
  const usageEvents = (await run.query(traceQuery)).filter((e) => e.type === 'tokens_used');
  expect(usageEvents.map((e) => [e.tool, e.data?.totalTokens, e.data?.runTotal])).toEqual([
    ['plan_run', 120, 120],
    ['draft_report', 120, 240],
    ['review_draft', 120, 360],
  ]);
  expect(fake.requests.some((r) => r.authorization === `Bearer ${API_KEY}`)).toBe(true);
});

test('a step whose endpoint reports no usage is said so, not estimated', async () => {
  fake.script('report', { noUsage: true });
  const result = await approve(await start());
  expect(result.usage).toMatchObject({ totalTokens: 240, reportedSteps: 2, unreportedSteps: 1 });
});

test('HTTP 500 is retried; the attempts are recorded', async () => {
  fake.script('plan', { status: 500 });
  const run = await start();
  const result = await approve(run);
  expect(result.steps.find((s) => s.tool === 'plan_run')).toMatchObject({ status: 'ok', attempts: 2 });
  // Temporal retried it: the second attempt's start carries the first one's failure.
  expect(await activityStarts(run, 'plan_run')).toEqual([
    expect.objectContaining({ attempt: 2, lastFailure: 'model endpoint answered HTTP 500' }),
  ]);
});

test('HTTP 429 is retried no sooner than its Retry-After', async () => {
  fake.script('plan', { status: 429, headers: { 'retry-after': '3' } });
  const run = await start();
  await approve(run);
  // The Retry-After travelled as the failure's next-retry delay, and the server honoured it.
  const [retried] = await activityStarts(run, 'plan_run');
  expect(retried).toMatchObject({ attempt: 2, lastFailure: 'model endpoint answered HTTP 429 (rate limited)' });
  expect(retried.startedAtMs - retried.scheduledAtMs).toBeGreaterThanOrEqual(3000);
});

test('HTTP 401 is not retried: the run pauses at once with what to fix', async () => {
  fake.script('plan', { status: 401 });
  const run = await start();
  const paused = await waitForStatus(run, ['paused_on_error']);
  expect(paused.pausedOn).toMatchObject({
    tool: 'plan_run',
    attempts: 1,
    error: 'ModelRequestRejected: the endpoint rejected the API key: check HARNESS_MODEL_API_KEY (or OPENAI_API_KEY) (HTTP 401)',
  });
  await run.executeUpdate(abortUpdate, { args: [{ operator: 'ops', reason: 'wrong key' }] });
  expect(await failureOf(run)).toMatch(/aborted by an operator/);
});

test('a reviewer that does not answer JSON fails the review with a finding', async () => {
  fake.script('review', { content: 'Looks great to me!' });
  const run = await start();
  expect(await failureOf(run)).toBe('review failed: reviewer answer was not the expected JSON {passed, findings}');
});

test('past its token budget a run pauses; resume accepts the cost and it completes', async () => {
  const run = await start({ tokenBudget: 150 });
  const paused = await waitForStatus(run, ['paused_on_error']);
  expect(paused.pausedOn).toMatchObject({ tool: 'draft_report', error: 'token budget exceeded: 240 of 150 tokens used' });
  expect(paused.usage.budget).toBe(150);
  await run.executeUpdate(resumeUpdate, { args: [{ operator: 'ops', reason: 'worth it' }] });
  const result = await approve(run);
  expect(result.status).toBe('completed');
  expect(result.usage.totalTokens).toBe(360);
});

test('the API key appears in no history, trace, state, result or worker log', async () => {
  expect(runs.length).toBeGreaterThanOrEqual(5);
  for (const run of runs) {
    await waitFor(async () => (await run.describe()).status.name !== 'RUNNING', { timeoutMs: 30_000, what: `${run.workflowId} to close` });
    const history = historyToJSON(await run.fetchHistory());
    expect(history.length).toBeGreaterThan(1000);
    expect(history).not.toContain(API_KEY);
    expect(JSON.stringify(await run.query(stateQuery))).not.toContain(API_KEY);
  }
  expect(worker.output()).toContain('harness worker:');
  expect(worker.output()).not.toContain(API_KEY);
});
