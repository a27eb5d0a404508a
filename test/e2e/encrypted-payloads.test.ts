/**
 * Encrypted history on the real dev server, started by `harness server` with codec keys (so it
 * also serves the codec and points Temporal Web at it): a sentence from the sources never appears
 * in `temporal workflow show`, yet Temporal Web in headless Chromium and the temporal CLI with
 * --codec-endpoint show it; a worker without the key fails the run's tasks with one clear error and
 * a keyed one then finishes the run; rotated keys keep old runs readable.
 */
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { newCodecKeyEntry } from '../../src/codec/codec-keys';
import { harnessDataConverter } from '../../src/codec/data-converter';
import { waitFor } from '../../src/client/api/wait-for';
import { freePort } from '../../src/dev-server/free-port';
import { findGoTool, TEMPORAL_CLI } from '../../src/toolchain/go-tools';
import { launchBrowser } from '../helpers/browser';
import { runHarness, spawnHarnessUntil, WorkerProcess } from '../helpers/processes';
import {
  approveAtGate,
  reportFolder,
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  TestWorker,
  uniqueName,
} from '../helpers/temporal';

const exec = promisify(execFile);
const K1 = newCodecKeyEntry('k1');
const K2 = newCodecKeyEntry('k2');
const MARKER = 'The heron counted seventeen lanterns on the durable agent harness pier';

let dir: string;
let address: string;
let uiUrl: string;
let codecUrl: string;
let server: WorkerProcess;
let temporal: string;
let connection: Connection;
const workers: TestWorker[] = [];
let browser: Browser | undefined;

const clientWith = (keys: string) => new Client({ connection, dataConverter: harnessDataConverter({ HARNESS_CODEC_KEYS: keys }) });
const worker = async (taskQueue: string, keys: string) => {
  const started = await startTestWorker({ taskQueue, outputRoot: dir, address, env: { HARNESS_CODEC_KEYS: keys } });
  workers.push(started);
  return started;
};

beforeAll(async () => {
  dir = await tempDir('encrypted');
  const [grpc, ui, codec] = [await freePort(), await freePort(), await freePort()];
  address = `127.0.0.1:${grpc}`;
  server = await spawnHarnessUntil(
    ['server', '--db', path.join(dir, 'history.sqlite'), '--ui-port', String(ui), '--codec-port', String(codec)],
    { TEMPORAL_ADDRESS: address, HARNESS_CODEC_KEYS: `${K2},${K1}` },
    /Ctrl-C to stop/,
    120_000,
  );
  expect(server.output()).toContain(`payload codec: Temporal Web decodes through http://127.0.0.1:${codec}`);
  uiUrl = `http://127.0.0.1:${ui}`;
  codecUrl = `http://127.0.0.1:${codec}`;
  temporal = (await findGoTool(TEMPORAL_CLI))!;
  connection = await Connection.connect({ address });
}, 150_000);

afterAll(async () => {
  await browser?.close();
  for (const w of workers) await w.stop();
  await connection?.close();
  await server?.kill('SIGTERM');
});

async function encryptedRun(client: Client, taskQueue: string): Promise<WorkflowHandle> {
  const sources = [...(await sampleSources()), { title: 'Pier notes', content: `${MARKER}. Durable agent harness notes.` }];
  return startTestRun(client, taskQueue, { topic: 'durable agent harness', sources, startedBy: 'tester' });
}

const show = async (id: string, ...flags: string[]) =>
  (
    await exec(temporal, ['workflow', 'show', '--address', address, '--workflow-id', id, '--output', 'json', ...flags], {
      maxBuffer: 64 << 20,
    })
  ).stdout;

/** Every payload's data in a `workflow show --output json` (base64 there), as text: what a reader of history could see. */
function payloadTexts(showJson: string): string {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const { metadata, data } = node as { metadata?: unknown; data?: unknown };
    if (metadata && typeof data === 'string') texts.push(Buffer.from(data, 'base64').toString('latin1'));
    Object.values(node).forEach(visit);
  };
  visit(JSON.parse(showJson));
  return texts.join('\n');
}

let firstRun: WorkflowHandle;

test('the sources, report and trace are ciphertext in history; the codec endpoint shows them', async () => {
  const taskQueue = uniqueName('enc');
  await worker(taskQueue, K1);
  firstRun = await encryptedRun(clientWith(K1), taskQueue);
  await approveAtGate(firstRun);
  expect((await firstRun.result()).status).toBe('completed');

  const raw = await show(firstRun.workflowId);
  expect(raw).not.toContain('heron');
  expect(payloadTexts(raw)).not.toContain('heron');
  expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
  // The same history through the codec server: the sentence is there, so its absence above is the codec's doing.
  expect(payloadTexts(await show(firstRun.workflowId, '--codec-endpoint', codecUrl))).toContain(MARKER);
});

test('Temporal Web, started by harness server, shows the run decoded through the codec server', async () => {
  browser = await launchBrowser();
  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${uiUrl}/namespaces/default/workflows/${firstRun.workflowId}`);
  await waitFor(async () => ((await page.locator('body').innerText()).includes('heron') ? true : null), {
    timeoutMs: 30_000,
    what: 'the decoded input in Temporal Web',
  });
});

test('a worker without the key fails the run’s tasks with one clear error; given the key, it finishes the run', async () => {
  const taskQueue = uniqueName('enc-nokey');
  const keyless = await startTestWorker({ taskQueue, outputRoot: dir, address, env: { HARNESS_CODEC_KEYS: '' } });
  const run = await encryptedRun(clientWith(K1), taskQueue);
  const failure = await waitFor(
    async () => {
      const history = await run.fetchHistory();
      return history.events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message ?? null;
    },
    { timeoutMs: 30_000, what: 'the keyless worker to fail a workflow task' },
  );
  expect(failure).toBe(
    'a payload is encrypted (key "k1") and this process has no codec keys: set HARNESS_CODEC_KEYS or HARNESS_CODEC_KEYS_FILE',
  );
  await keyless.stop();

  await worker(taskQueue, `${K2},${K1}`);
  // What this worker writes is under k2 now; the client reading it needs that key too.
  const rotated = clientWith(`${K2},${K1}`).workflow.getHandle(run.workflowId);
  await approveAtGate(rotated);
  expect((await rotated.result()).status).toBe('completed');
  expect(await reportFolder(dir, run.workflowId)).toEqual(['final_report.md']);
});

test('after rotation new runs encrypt with the new key and old runs stay readable while the old key is kept', async () => {
  const taskQueue = uniqueName('enc-rotated');
  await worker(taskQueue, `${K2},${K1}`);
  const run = await encryptedRun(clientWith(`${K2},${K1}`), taskQueue);
  const started = (await run.fetchHistory()).events![0].workflowExecutionStartedEventAttributes!;
  expect(Buffer.from(started.input!.payloads![0].metadata!['encryption-key-id']!).toString()).toBe('k2');
  await approveAtGate(run);
  await run.result();

  // A closed run is read by replaying its history on this machine: through the codec, with either key set.
  const env = { TEMPORAL_ADDRESS: address };
  const old = await runHarness(['status', firstRun.workflowId, '--json'], { ...env, HARNESS_CODEC_KEYS: `${K2},${K1}` });
  expect(old.stderr).toBe('');
  expect(JSON.parse(old.stdout)).toMatchObject({ status: 'completed' });
  const withoutOldKey = await runHarness(['status', firstRun.workflowId], { ...env, HARNESS_CODEC_KEYS: K2 });
  expect(withoutOldKey.code).not.toBe(0);
  expect(withoutOldKey.stderr).toMatch(
    /^harness: (cannot read run \S+: )?a payload is encrypted with key "k1", which is not among this process's codec keys \(k2\): add it to HARNESS_CODEC_KEYS\n$/,
  );
});
