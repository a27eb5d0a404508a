/** The workflow's per-tool retry loop, with scripted activity failures on the real dev server. */
import { ApplicationFailure } from '@temporalio/activity';
import { createActivities } from '../../src/activities';
import { offlineProvider } from '../../src/activities/model/offline-provider';
import { traceQuery } from '../../src/shared/messages';
import { NON_RETRYABLE, SourceDocument, ToolActivities } from '../../src/shared/tools';
import {
  failureOf,
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  testClient,
  TestWorker,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';

let worker: TestWorker;
let client: Awaited<ReturnType<typeof testClient>>;
let taskQueue: string;
let sources: SourceDocument[];
const calls = { search: 0, extract: 0 };

beforeAll(async () => {
  const outputRoot = await tempDir('retries');
  const real = createActivities({ outputRoot, model: offlineProvider });
  const activities: ToolActivities = {
    ...real,
    // Fails once with a transient error, then succeeds.
    search_sources: async (input) => {
      if (++calls.search === 1) throw ApplicationFailure.retryable('index briefly unavailable', 'SourceUnavailable');
      return real.search_sources(input);
    },
    // Always fails with an error the contract lists as non-retryable.
    extract_facts: async () => {
      calls.extract++;
      throw ApplicationFailure.nonRetryable('extract_facts: invalid input: matches: broken', NON_RETRYABLE.invalidInput);
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

test('a transient failure is retried; a non-retryable one fails the run after one attempt', async () => {
  const run = await startTestRun(client.client, taskQueue, { topic: 'durable agent harness', sources });
  expect(await failureOf(run)).toMatch(/extract_facts failed after 1 attempt\(s\): InvalidToolInput/);

  const state = await waitForStatus(run, ['failed']);
  const search = state.steps.find((s) => s.tool === 'search_sources')!;
  expect(search).toMatchObject({ status: 'ok', attempts: 2 });
  const extract = state.steps.find((s) => s.tool === 'extract_facts')!;
  expect(extract).toMatchObject({ status: 'error', attempts: 1 });
  expect(calls).toEqual({ search: 2, extract: 1 });

  const searchEvents = (await run.query(traceQuery)).filter((e) => e.tool === 'search_sources').map((e) => `${e.type}#${e.attempt}`);
  expect(searchEvents).toEqual(['tool_start#1', 'tool_error#1', 'tool_start#2', 'tool_ok#2']);
  const error = (await run.query(traceQuery)).find((e) => e.type === 'tool_error' && e.tool === 'search_sources')!;
  expect(error.message).toBe('SourceUnavailable: index briefly unavailable');
  expect(error.data).toEqual({ retrying: true });
});
