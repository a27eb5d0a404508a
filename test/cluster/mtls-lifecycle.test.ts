/**
 * The production path over mTLS: a worker process and the harness CLI reach the cluster through
 * the TEMPORAL_* variables alone; the `temporal` CLI approves with the same variables; a client
 * that gets TLS wrong is told which part in one line; and the whole replay set, recorded on the
 * cluster, replays through both bundles.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import { findGoTool, TEMPORAL_CLI } from '../../src/toolchain/go-tools';
import { stateQuery } from '../../src/shared/messages';
import { runHarness, runHarnessScript } from '../helpers/processes';
import { expectSingleApprovedReport } from '../helpers/reports';
import { exportedSpans, replayFailures } from '../helpers/replay';
import { tempDir, waitForStatus } from '../helpers/temporal';
import { useWorkerProcesses } from '../helpers/test-bed';
import { useClusterBed } from './cluster-bed';

const exec = promisify(execFile);
const bed = useClusterBed('lifecycle');
const spawnWorker = useWorkerProcesses();

test('started by the harness CLI, approved by the temporal CLI, over mTLS', async () => {
  await spawnWorker(bed.env);
  const started = await runHarness(['start', '--topic', 'durable agent harness', '--json'], bed.env);
  expect(started.stderr).toBe('');
  const { workflowId: runId } = JSON.parse(started.stdout) as { workflowId: string };
  const run = bed.client.workflow.getHandle(runId);
  const gate = await waitForStatus(run, ['waiting_approval'], 60_000);

  const temporal = (await findGoTool(TEMPORAL_CLI)) as string;
  const cliEnv = { ...process.env, ...bed.cluster.clientVariables };
  const approve = await exec(
    temporal,
    [
      'workflow',
      'update',
      'execute',
      '--workflow-id',
      runId,
      '--name',
      'approve',
      '--input',
      JSON.stringify({ approver: 'alice', digest: gate.pendingAction!.digest }),
    ],
    { env: cliEnv },
  );
  expect(approve.stdout).toMatch(/approved|completed|"outcome"/i);

  const result = await runHarness(['result', runId, '--json'], bed.env);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed' });
  await expectSingleApprovedReport(bed.outputRoot, runId, gate.pendingAction!.digest);

  // The temporal CLI reads the run's history over the same mTLS variables.
  const shown = await exec(temporal, ['workflow', 'show', '--workflow-id', runId, '--output', 'json'], {
    env: cliEnv,
    maxBuffer: 64 << 20,
  });
  const events = (JSON.parse(shown.stdout) as { events: { eventType: string }[] }).events.map((e) => e.eventType);
  expect(events.at(-1)).toMatch(/WORKFLOW_EXECUTION_COMPLETED|WorkflowExecutionCompleted/);
  expect((await run.query(stateQuery)).status).toBe('completed');
});

test.each([
  [
    'no client certificate',
    { TEMPORAL_TLS_CLIENT_CERT_PATH: '', TEMPORAL_TLS_CLIENT_KEY_PATH: '' },
    /\(TLS\): the server requires a client certificate/,
  ],
  [
    'plain to the mTLS frontend',
    {
      TEMPORAL_TLS: '',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '',
      TEMPORAL_TLS_SERVER_NAME: '',
    },
    /the server wants TLS: set TEMPORAL_TLS=true/,
  ],
  [
    'no CA for the server',
    { TEMPORAL_TLS_SERVER_CA_CERT_PATH: '' },
    /the server's certificate is not trusted .*TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
  ],
  [
    'a server name the certificate does not name',
    { TEMPORAL_TLS_SERVER_NAME: 'temporal.example.com' },
    /not for this name .*TEMPORAL_TLS_SERVER_NAME/,
  ],
])('%s: one line naming the setting, exit 1', async (_case, override, message) => {
  const result = await runHarness(['list'], { ...bed.env, ...override });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
});

test('a client certificate from another CA is refused, in one line', async () => {
  const { ensureCertificates } = await import('../../src/cluster/certificates');
  const stranger = await ensureCertificates(await tempDir('stranger-tls'));
  const result = await runHarness(['list'], {
    ...bed.env,
    TEMPORAL_TLS_CLIENT_CERT_PATH: stranger.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: stranger.clientKey,
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/\(mTLS\): the server does not accept the client certificate/);
});

test('the replay set, recorded on the cluster, replays through both bundles', async () => {
  const dir = await tempDir('cluster-histories');
  const recorded = await runHarnessScript('dist/dev/record-histories.js', [], 600_000, {
    ...bed.cluster.clientVariables,
    HARNESS_HISTORIES_DIR: dir,
  });
  expect(recorded.stderr).toBe('');
  expect(recorded.code).toBe(0);
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  // Every scenario the recorder knows, on this cluster.
  expect(files.length).toBeGreaterThanOrEqual(14);
  expect(await replayFailures(dir, files)).toEqual([]);
  expect(exportedSpans).toEqual([]);
});
