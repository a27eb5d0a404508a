/**
 * The dev server itself is SIGKILLed and restarted on the same SQLite file while runs are
 * mid-flight and waiting for approval: every run completes, none lost, none duplicated.
 */
import { Client, Connection } from '@temporalio/client';
import path from 'node:path';
import { waitFor } from '../../src/client/api/wait-for';
import { RunningServer, startDevServer } from '../../src/dev-server/dev-server';
import { approveSignal, stateQuery } from '../../src/shared/messages';
import { freePort } from '../../src/dev-server/free-port';
import { spawnWorkerProcess, WorkerProcess } from '../helpers/processes';
import { expectSingleApprovedReport } from '../helpers/reports';
import { sampleSources, startTestRun, tempDir, uniqueName, waitForStatus } from '../helpers/temporal';

let server: RunningServer | undefined;
let worker: WorkerProcess | undefined;
const connections: Connection[] = [];

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await Promise.all(connections.map((c) => c.close()));
  await server?.stop();
});

async function connect(address: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  connections.push(connection);
  return new Client({ connection });
}

test('runs survive a SIGKILL of the server and a restart on the same SQLite file', async () => {
  const dir = await tempDir('server-restart');
  const options = {
    address: `127.0.0.1:${await freePort()}`,
    dbFile: path.join(dir, 'temporal.sqlite'),
    logFile: path.join(dir, 'server.log'),
  };
  server = await startDevServer(options);
  const outputRoot = path.join(dir, 'runs');
  const taskQueue = uniqueName('server-restart');
  worker = await spawnWorkerProcess({
    TEMPORAL_ADDRESS: options.address,
    HARNESS_TASK_QUEUE: taskQueue,
    HARNESS_OUTPUT_DIR: outputRoot,
    HARNESS_OFFLINE_LATENCY_MS: '1500',
  });
  const client = await connect(options.address);
  const sources = await sampleSources();
  const input = { topic: 'durable agent harness', sources, options: { heartbeatTimeoutMs: 2_000 } };

  // Two runs wait at the gate; two more are mid-flight when the server dies.
  const early = await Promise.all([startTestRun(client, taskQueue, input), startTestRun(client, taskQueue, input)]);
  await Promise.all(early.map((run) => waitForStatus(run, ['waiting_approval'], 60_000)));
  const late = await Promise.all([startTestRun(client, taskQueue, input), startTestRun(client, taskQueue, input)]);
  await waitFor(async () => (await late[0].query(stateQuery)).currentStep !== null, {
    timeoutMs: 30_000,
    what: 'a late run to be mid-flight',
  });

  process.kill(server.pid!, 'SIGKILL');
  await waitFor(
    async () => {
      try {
        process.kill(server!.pid!, 0);
        return false;
      } catch {
        return true;
      }
    },
    { timeoutMs: 60_000, what: 'the server to die' },
  );
  server = await startDevServer(options);

  const after = await connect(options.address);
  const runs = [...early, ...late].map((r) => after.workflow.getHandle(r.workflowId));
  const gates = await Promise.all(
    runs.map(async (run) => {
      const state = await waitForStatus(run, ['waiting_approval'], 90_000);
      await run.signal(approveSignal, { approver: 'ops', digest: state.pendingAction!.digest });
      return state;
    }),
  );
  const results = await Promise.all(runs.map((run) => run.result()));
  expect(results.map((r) => r.status)).toEqual(Array(4).fill('completed'));
  for (const [i, run] of runs.entries()) await expectSingleApprovedReport(outputRoot, run.workflowId, gates[i].pendingAction!.digest);
});
