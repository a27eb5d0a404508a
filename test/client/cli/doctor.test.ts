/** `harness doctor` against the real dev server and a fake OpenAI-compatible endpoint: every status. */
import { FakeOpenAI, startFakeOpenAI } from '../../helpers/fake-openai';
import { runHarness } from '../../helpers/processes';
import { startTestWorker, tempDir, testAddress, TestWorker, uniqueName } from '../../helpers/temporal';

const KEY = 'sk-doctor-key';
let fake: FakeOpenAI;
let worker: TestWorker;
let polled: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: KEY, models: ['fake-model', 'other-model'] });
  polled = uniqueName('doctor');
  worker = await startTestWorker({ taskQueue: polled, outputRoot: await tempDir('doctor') });
});

afterAll(async () => {
  await worker?.stop();
  await fake?.close();
});

async function doctor(env: NodeJS.ProcessEnv) {
  const { code, stdout } = await runHarness(['doctor', '--json'], { TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: polled, ...env });
  const report = JSON.parse(stdout);
  const status = Object.fromEntries(report.checks.map((c: { name: string; status: string }) => [c.name, c.status]));
  const detail = Object.fromEntries(report.checks.map((c: { name: string; detail: string }) => [c.name, c.detail]));
  return { code, healthy: report.healthy, status, detail, stdout };
}

const model = (overrides: NodeJS.ProcessEnv = {}) => ({
  HARNESS_MODEL_PROVIDER: 'openai_compatible',
  HARNESS_MODEL_BASE_URL: fake.baseURL,
  HARNESS_MODEL_API_KEY: KEY,
  HARNESS_MODEL_NAME: 'fake-model',
  ...overrides,
});

test('offline, with a worker polling: healthy', async () => {
  const r = await doctor({ HARNESS_MODEL_PROVIDER: 'offline' });
  expect(r).toMatchObject({ code: 0, healthy: true });
  expect(r.status).toEqual({
    configuration: 'ok',
    temporal: 'ok',
    workers: 'ok',
    'payload codec': 'skip',
    'model config': 'ok',
    'model listing': 'skip',
    'chat round trip': 'skip',
    tracing: 'skip',
    metrics: 'skip',
  });
  expect(r.detail['model config']).toMatch(/^offline/);
  expect(r.detail.workers).toMatch(/^1 worker\(s\) poll task queue/);
});

test('the payload codec: its encrypting key when on; a bad key setting fails in one line', async () => {
  const on = await doctor({
    HARNESS_CODEC_KEYS: `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`,
  });
  expect([on.status['payload codec'], on.detail['payload codec']]).toEqual([
    'ok',
    'AES-256-GCM, encrypting with key "k2"; 2 key(s) decrypt (k2, k1)',
  ]);
  const bad = await doctor({ HARNESS_CODEC_KEYS: 'k1:short' });
  expect(bad).toMatchObject({ code: 1, healthy: false });
  expect(bad.detail['payload codec']).toBe('HARNESS_CODEC_KEYS entry 1 ("k1"): the key must be 32 bytes in base64 (256-bit AES)');
});

test('no worker on the task queue is a warning, not a failure', async () => {
  const r = await doctor({ HARNESS_TASK_QUEUE: uniqueName('nobody') });
  expect(r).toMatchObject({ code: 0, healthy: true });
  expect(r.status.workers).toBe('warn');
});

test('an unreachable server fails', async () => {
  const r = await doctor({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
  expect(r).toMatchObject({ code: 1, healthy: false });
  expect(r.status).toMatchObject({ temporal: 'fail', workers: 'skip' });
});

test('with Temporal unreachable and an unrelated variable broken, the model is still checked end to end', async () => {
  const r = await doctor(model({ TEMPORAL_ADDRESS: '127.0.0.1:1', HARNESS_TOKEN_BUDGET: 'lots' }));
  expect(r.code).toBe(1);
  expect(r.status).toEqual({
    configuration: 'fail',
    temporal: 'fail',
    workers: 'skip',
    'payload codec': 'skip',
    'model config': 'ok',
    'model listing': 'ok',
    'chat round trip': 'ok',
    tracing: 'skip',
    metrics: 'skip',
  });
  expect(r.detail.configuration).toMatch(/HARNESS_TOKEN_BUDGET/);
});

test('a misconfigured model fails and names what is missing', async () => {
  const r = await doctor(model({ HARNESS_MODEL_NAME: '' }));
  expect(r.code).toBe(1);
  expect(r.status).toMatchObject({ 'model config': 'fail', 'model listing': 'skip' });
  expect(r.detail['model config']).toMatch(/HARNESS_MODEL_NAME: required/);
});

test('a working endpoint: listing and chat round trip ok', async () => {
  const r = await doctor(model());
  expect(r).toMatchObject({ code: 0, healthy: true });
  expect(r.status).toMatchObject({ 'model config': 'ok', 'model listing': 'ok', 'chat round trip': 'ok' });
  expect(r.detail['chat round trip']).toMatch(/answered in \d+ ms \(120 tokens\)/);
});

test('an unknown model: the listing says which models exist, the chat says what to fix', async () => {
  const r = await doctor(model({ HARNESS_MODEL_NAME: 'gpt-nope' }));
  expect(r.code).toBe(1);
  expect(r.detail['model listing']).toBe('/models does not list gpt-nope (it lists: fake-model, other-model)');
  expect(r.detail['chat round trip']).toMatch(/unknown model or wrong URL: check HARNESS_MODEL_NAME .*\(HTTP 404\)/);
});

test('a wrong key is reported as such, and the key is never printed', async () => {
  const r = await doctor(model({ HARNESS_MODEL_API_KEY: 'sk-wrong-key-value' }));
  expect(r.code).toBe(1);
  expect(r.detail['model listing']).toMatch(/rejected the API key.*\(HTTP 401\)/);
  expect(r.stdout).not.toContain('sk-wrong-key-value');
});

test('telemetry pointed at nothing: tracing fails (an export is refused), metrics warn (no worker serves them yet)', async () => {
  const r = await doctor({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', HARNESS_METRICS_ADDRESS: '127.0.0.1:1' });
  expect(r).toMatchObject({ code: 1, healthy: false });
  expect(r.status).toMatchObject({ tracing: 'fail', metrics: 'warn' });
  expect(r.detail.tracing).toMatch(/^nothing accepts OTLP at http:\/\/127\.0\.0\.1:1\/v1\/traces/);
  const bad = await doctor({ HARNESS_METRICS_ADDRESS: 'port 9464' });
  expect(bad.status.metrics).toBe('fail');
  expect(bad.detail.metrics).toMatch(/HARNESS_METRICS_ADDRESS/);
});
