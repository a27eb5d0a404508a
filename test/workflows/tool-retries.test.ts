/**
 * The workflow's per-tool retry loop and pause-on-error, with scripted activity failures on
 * the real dev server: transient errors are retried; a tool that fails for good parks the run
 * as paused_on_error until an operator resumes (the step is retried from scratch) or aborts.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createActivities } from '../../src/activities';
import { offlineProvider } from '../../src/activities/model/offline-provider';
import { waitFor } from '../../src/client/api/wait-for';
import { abortUpdate, approveUpdate, resumeUpdate, traceQuery } from '../../src/shared/messages';
import { HARNESS_STATUS } from '../../src/shared/search-attributes';
import { HarnessActivities, TOOLS, SourceDocument } from '../../src/shared/tools';
import { NON_RETRYABLE } from '../../src/shared/tool-contract';
import {
  failureOf,
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  testClient,
  TestWorker,
  toolsInHistory,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';

let worker: TestWorker;
let client: Awaited<ReturnType<typeof testClient>>;
let taskQueue: string;
let sources: SourceDocument[];
const calls = new Map<string, number>();
const count = (key: string) => {
  calls.set(key, (calls.get(key) ?? 0) + 1);
  return calls.get(key)!;
};

beforeAll(async () => {
  const outputRoot = await tempDir('retries');
  const real = createActivities({ outputRoot, model: offlineProvider });
  const activities: HarnessActivities = {
    ...real,
    // Fails once with a transient error, then succeeds.
    search_sources: async (input) => {
      if (count(`search:${input.topic}`) === 1) throw ApplicationFailure.retryable('index briefly unavailable', 'SourceUnavailable');
      return real.search_sources(input);
    },
    // Fails with an error no retry can fix: the first two calls, or every call in "always" mode.
    extract_facts: async (input) => {
      if (count('extract') <= 2 || calls.get('always') === 1) {
        throw ApplicationFailure.nonRetryable('extract_facts: invalid input: matches: broken', NON_RETRYABLE.invalidInput);
      }
      return real.extract_facts(input);
    },
  };
  taskQueue = uniqueName('retries');
  worker = await startTestWorker({ taskQueue, outputRoot, activities });
  client = await testClient();
  sources = await sampleSources();
});

afterAll(async () => {
  await client?.close();
  await worker?.stop();
});

test('a transient failure is retried; a permanent one pauses the run until resume, and it completes', async () => {
  calls.clear();
  // Remote: the server runs the attempts, so history shows the tool's policy.
  const run = await startTestRun(client.client, taskQueue, { topic: 'durable agent harness', sources, options: { execution: 'remote' } });
  const paused = await waitForStatus(run, ['paused_on_error']);
  expect(paused.pausedOn).toMatchObject({ tool: 'extract_facts', attempts: 1, error: expect.stringMatching(/^InvalidToolInput: /) });
  expect(paused.steps.find((s) => s.tool === 'search_sources')).toMatchObject({ status: 'ok', attempts: 2 });
  await waitFor(async () => (await run.describe()).typedSearchAttributes.get(HARNESS_STATUS) === 'paused_on_error', {
    timeoutMs: 60_000,
    what: 'HarnessStatus to say paused_on_error',
  });

  const searchEvents = (await run.query(traceQuery))
    .filter((e) => e.tool === 'search_sources' && e.type.startsWith('tool_'))
    .map((e) => `${e.type}#${e.attempt}`);
  // Temporal retried it under the tool's own policy: one scheduled activity, the attempt from the activity.
  expect(searchEvents).toEqual(['tool_start#1', 'tool_ok#2']);
  const scheduled = ((await run.fetchHistory()).events ?? []).flatMap((e) => {
    const attributes = e.activityTaskScheduledEventAttributes;
    return attributes?.activityType?.name === 'search_sources' ? [attributes] : [];
  });
  expect(scheduled).toHaveLength(1);
  const policy = TOOLS.search_sources.retry;
  expect(scheduled[0].retryPolicy).toMatchObject({
    maximumAttempts: policy.maximumAttempts,
    backoffCoefficient: policy.backoffCoefficient,
    nonRetryableErrorTypes: policy.nonRetryableErrorTypes,
  });
  expect(
    Number(scheduled[0].retryPolicy?.initialInterval?.nanos ?? 0) / 1e6 +
      Number(scheduled[0].retryPolicy?.initialInterval?.seconds ?? 0) * 1e3,
  ).toBe(policy.initialIntervalMs);
  // The permanent failure is not retried: one attempt, the run paused on it.
  const permanent = (await run.query(traceQuery)).find((e) => e.type === 'tool_error' && e.tool === 'extract_facts')!;
  expect(permanent).toMatchObject({ attempt: 1, message: expect.stringMatching(/^InvalidToolInput: /), data: { retrying: false } });

  // An approval now is refused: nothing is pending.
  await expect(run.executeUpdate(approveUpdate, { args: [{ approver: 'ops' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

  // First resume: the step fails again and the run pauses again; second resume: it succeeds.
  expect(await run.executeUpdate(resumeUpdate, { args: [{ operator: 'ops', reason: 'fixed the index' }] })).toMatchObject({
    message: expect.stringMatching(/^resuming/),
  });
  await waitFor(async () => (await run.query(traceQuery)).filter((e) => e.type === 'run_paused').length === 2, {
    timeoutMs: 60_000,
    what: 'the second pause',
  });
  await run.executeUpdate(resumeUpdate, { args: [{ operator: 'ops' }] });
  const gate = await waitForStatus(run, ['waiting_approval']);
  expect(gate.steps.filter((s) => s.tool === 'extract_facts').map((s) => s.status)).toEqual(['error', 'error', 'ok']);
  await run.executeUpdate(approveUpdate, { args: [{ approver: 'ops', digest: gate.pendingAction!.digest }] });
  expect((await run.result()).status).toBe('completed');
  const types = (await run.query(traceQuery)).map((e) => e.type);
  expect(types.filter((t) => t === 'run_resumed')).toHaveLength(2);
});

test('a local tool is retried by the worker under the same policy: one marker with the answering attempt', async () => {
  calls.clear();
  const run = await startTestRun(client.client, taskQueue, { topic: 'durable agent harness', sources });
  const paused = await waitForStatus(run, ['paused_on_error']);
  expect(paused.steps.find((s) => s.tool === 'search_sources')).toMatchObject({ status: 'ok', attempts: 2, execution: 'local' });
  expect(paused.pausedOn).toMatchObject({ tool: 'extract_facts', attempts: 1, error: expect.stringMatching(/^InvalidToolInput: /) });
  const searchEvents = paused.trace
    .filter((e) => e.tool === 'search_sources' && e.type.startsWith('tool_'))
    .map((e) => `${e.type}#${e.attempt}`);
  expect(searchEvents).toEqual(['tool_start#1', 'tool_ok#2']);
  const history = await toolsInHistory(run);
  expect(history.filter((call) => call.tool === 'search_sources')).toEqual([{ tool: 'search_sources', execution: 'local', attempt: 2 }]);
  expect(history.find((call) => call.tool === 'plan_run')).toMatchObject({ execution: 'remote' });
  await run.executeUpdate(abortUpdate, { args: [{ operator: 'ops', reason: 'enough' }] });
  expect(await failureOf(run)).toMatch(/extract_facts failed after 1 attempt/);
});

test('abort ends a paused run as failed; resume is refused when nothing is paused', async () => {
  calls.clear();
  calls.set('always', 1);
  const run = await startTestRun(client.client, taskQueue, { topic: 'durable agent harness', sources });
  await waitForStatus(run, ['paused_on_error']);
  await run.executeUpdate(abortUpdate, { args: [{ operator: 'ops', reason: 'giving up' }] });
  expect(await failureOf(run)).toMatch(/extract_facts failed after 1 attempt\(s\): InvalidToolInput: .*\(aborted by an operator\)/);
  const types = (await run.query(traceQuery)).map((e) => e.type);
  expect(types.slice(-2)).toEqual(['run_aborted', 'run_failed']);
  await expect(run.executeUpdate(resumeUpdate, { args: [{ operator: 'ops' }] })).rejects.toThrow();
});
