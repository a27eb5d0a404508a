/**
 * API keys against Temporal's own authorizer (the cluster with `auth`: JWTs checked against its
 * JWKS, permissions from the key): a run with an admin key end to end, the `temporal` CLI with the
 * same variable, and every wrong key — malformed, signed by a stranger, expired, missing, or
 * allowed too little — refused in one line that never shows the key.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';
import { signJwt } from '../../src/cluster/api-keys';
import { findGoTool, TEMPORAL_CLI } from '../../src/toolchain/go-tools';
import { runHarness } from '../helpers/processes';
import { expectSingleApprovedReport } from '../helpers/reports';
import { waitForStatus } from '../helpers/temporal';
import { useWorkerProcesses } from '../helpers/test-bed';
import { useClusterBed } from './cluster-bed';

const exec = promisify(execFile);
const bed = useClusterBed('api-keys', { auth: true });
const spawnWorker = useWorkerProcesses();

test('an admin key: worker, harness CLI and temporal CLI run a research run to its report', async () => {
  expect(bed.env.TEMPORAL_API_KEY).toBeTruthy();
  await spawnWorker(bed.env);
  const started = await runHarness(['start', '--topic', 'durable agent harness', '--json'], bed.env);
  expect(started.stderr).toBe('');
  const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
  const gate = await waitForStatus(bed.client.workflow.getHandle(workflowId), ['waiting_approval'], 60_000);
  const temporal = (await findGoTool(TEMPORAL_CLI)) as string;
  const input = JSON.stringify({ approver: 'alice', digest: gate.pendingAction!.digest });
  await exec(temporal, ['workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'approve', '--input', input], {
    env: { ...process.env, ...bed.cluster.clientVariables },
  });
  const result = await runHarness(['result', workflowId, '--json'], bed.env);
  expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed' });
  await expectSingleApprovedReport(bed.outputRoot, workflowId, gate.pendingAction!.digest);
});

const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const WRONG_KEYS: [string, () => string][] = [
  ['a key that is not a JWT', () => 'not-a-jwt-at-all'],
  ['a key signed by another issuer', () => signJwt(stranger, 'harness-cluster', 'mallory', ['temporal-system:admin'], 3600)],
  ['an expired key', () => bed.cluster.issueApiKey!('alice', ['default:admin'], -60)],
];

test.each(WRONG_KEYS)('%s: refused in one line, exit 1, the key never shown', async (_case, key) => {
  const apiKey = key();
  for (const command of [['list'], ['worker']]) {
    const result = await runHarness(command, { ...bed.env, TEMPORAL_API_KEY: apiKey, HARNESS_CONNECT_TIMEOUT_MS: '600000' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^harness: Temporal at .* \(mTLS, API key\): the server refused the credentials: check TEMPORAL_API_KEY/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain(apiKey);
  }
});

test('no key, or a key that may only read: what it may not do is refused in one line', async () => {
  const refused =
    /^harness: Temporal refused this client's credentials \(PERMISSION_DENIED: Request unauthorized\.\): check TEMPORAL_API_KEY/;
  const none = await runHarness(['list'], { ...bed.env, TEMPORAL_API_KEY: '' });
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(refused);

  const reader = { ...bed.env, TEMPORAL_API_KEY: bed.cluster.issueApiKey!('reader', ['default:read']) };
  const listed = await runHarness(['list', '--json'], reader);
  expect(listed.stderr).toBe('');
  expect(listed.code).toBe(0);
  const started = await runHarness(['start', '--topic', 'durable agent harness'], reader);
  expect(started.code).toBe(1);
  expect(started.stderr).toMatch(refused);
  expect(started.stderr.trim().split('\n')).toHaveLength(1);
});
