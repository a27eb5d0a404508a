/**
 * Tools run under Temporal's own retry policies, so Temporal's own operator tools work on them:
 * `temporal activity pause` stops a misbehaving tool between attempts while the run waits, `harness
 * status` says so, and `unpause` lets it go on.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createActivities } from '../../src/activities';
import { defineToolActivity } from '../../src/activities/define-tool-activity';
import { offlineProvider } from '../../src/activities/model/offline-provider';
import { waitFor } from '../../src/client/api/wait-for';
import { stateQuery } from '../../src/shared/messages';
import { findGoTool, TEMPORAL_CLI } from '../../src/toolchain/go-tools';
import { runHarness } from '../helpers/processes';
import {
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  testAddress,
  TestWorker,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';
import { useClient } from '../helpers/test-bed';

const exec = promisify(execFile);
const temporal = useClient();
let worker: TestWorker;
let taskQueue: string;
/** The first plan_run attempt blocks until released, then fails; later attempts succeed once healed. */
let releaseFirstAttempt: () => void;
let healed = false;

beforeAll(async () => {
  const outputRoot = await tempDir('pause');
  const real = createActivities({ outputRoot, model: offlineProvider });
  const firstAttemptReleased = new Promise<void>((resolve) => (releaseFirstAttempt = resolve));
  taskQueue = uniqueName('pause');
  worker = await startTestWorker({
    taskQueue,
    outputRoot,
    activities: {
      plan_run: defineToolActivity('plan_run', async (input) => {
        if (!healed) {
          await firstAttemptReleased;
          throw ApplicationFailure.retryable('the planner is misbehaving', 'PlannerDown');
        }
        const { attempt: _attempt, ...output } = await real.plan_run(input);
        return output;
      }),
    },
  });
});

afterAll(async () => worker?.stop());

test('temporal activity pause holds a failing tool between attempts; unpause lets the run go on', async () => {
  const binary = await findGoTool(TEMPORAL_CLI);
  if (!binary) throw new Error('temporal is missing: run `npm run setup`');
  const run = await startTestRun(temporal.client, taskQueue, { topic: 'durable agent harness', sources: await sampleSources() });
  const activity = (verb: 'pause' | 'unpause') =>
    exec(binary, [
      'activity',
      verb,
      '--address',
      testAddress(),
      '--workflow-id',
      run.workflowId,
      '--activity-type',
      'plan_run',
      '--identity',
      'ops',
    ]);
  await waitFor(
    async () => (await run.describe()).raw.pendingActivities?.some((a) => a.activityType?.name === 'plan_run' && a.state === 2),
    {
      timeoutMs: 60_000,
      what: 'plan_run to start',
    },
  );

  await activity('pause');
  releaseFirstAttempt();
  await waitFor(
    async () => (await run.describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'plan_run' && a.paused && a.lastFailure),
    {
      timeoutMs: 60_000,
      what: 'plan_run to be paused after its failed attempt',
    },
  );
  const status = await runHarness(['status', run.workflowId], { TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: taskQueue });
  expect(status.stdout).toMatch(/tool: +plan_run paused by an operator at attempt \d/);
  expect((await run.query(stateQuery)).steps.find((s) => s.tool === 'plan_run')?.status).toBe('running');

  healed = true;
  await activity('unpause');
  const gate = await waitForStatus(run, ['waiting_approval']);
  expect(gate.steps.find((s) => s.tool === 'plan_run')).toMatchObject({ status: 'ok', attempts: 2 });
  await run.cancel();
});
