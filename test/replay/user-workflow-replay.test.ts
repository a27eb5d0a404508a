/**
 * A workflow declared with defineWorkflow, recorded once on the dev server (gated, approved,
 * completed) and replayed against the current kernel, as the research run's histories are: a
 * change to the commands a declared workflow issues fails here unless it sits behind patched().
 * Re-record with HARNESS_RECORD_USER_HISTORY=1 (and a dev server) only for a deliberate new shape.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { forWorkflowCode } from '../../src/codec/data-converter';
import { approveUpdate } from '../../src/shared/messages';
import { implementTool } from '../../src/worker/public';
import { idleSnapshotSink } from '../../src/worker/snapshot-sink';
import { userWorkflowCode } from '../../src/worker/workflow-bundle';
import { loadHistory, workflowIdOf } from '../helpers/replay';
import { startTestWorker, tempDir, testClient, uniqueName, waitForStatus } from '../helpers/temporal';
import { fileTicket, lookupTicket } from '../workflows/fixtures/ticket-workflows';

const WORKFLOWS = require.resolve('../workflows/fixtures/ticket-workflows');
const DIR = path.join(__dirname, '../histories/user-workflows');
const FILE = 'triage-approved.json';

async function record(): Promise<void> {
  const taskQueue = uniqueName('record-triage');
  const tools = [
    implementTool(lookupTicket, async ({ ticketId }) => ({ ticketId, subject: 'recorded', priority: 'high' as const })),
    implementTool(fileTicket, async () => ({ row: 1 })),
  ];
  const worker = await startTestWorker({ taskQueue, outputRoot: await tempDir('record'), user: { tools, workflowsPath: WORKFLOWS } });
  const { client, close } = await testClient();
  try {
    const run = await client.workflow.start('triage', { args: [{ ticketId: 'T-1' }], taskQueue, workflowId: 'triage-recorded' });
    const state = await waitForStatus(run, ['waiting_approval']);
    await run.executeUpdate(approveUpdate, { args: [{ approver: 'ops', digest: state.pendingAction!.digest }] });
    await run.result();
    await fs.writeFile(path.join(DIR, FILE), historyToJSON(await run.fetchHistory()) + '\n');
  } finally {
    await close();
    await worker.stop();
  }
}

test("a declared workflow's recorded history replays against the current kernel", async () => {
  if (process.env.HARNESS_RECORD_USER_HISTORY) await record();
  const history = await loadHistory(DIR, FILE);
  const types = history.events!.filter((e) => e.activityTaskScheduledEventAttributes || e.markerRecordedEventAttributes);
  expect(types.length).toBeGreaterThanOrEqual(3);
  await Worker.runReplayHistory(
    { ...userWorkflowCode(WORKFLOWS), sinks: idleSnapshotSink, dataConverter: forWorkflowCode() },
    history,
    workflowIdOf(history, FILE),
  );
});
