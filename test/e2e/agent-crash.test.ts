/**
 * An agent's worker process killed with SIGKILL between a tool's completion and the next model
 * call: another worker process takes the run over, asks the model again, and never repeats the
 * completed tool call. The model is an OpenAI-compatible endpoint on loopback (the worker
 * processes reach it over HTTP); the tool and the agent are a user's built modules.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../src/client/api/wait-for';
import { FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai';
import { useClient, useWorkerProcesses } from '../helpers/test-bed';
import { tempDir, testAddress, toolsInHistory, uniqueName } from '../helpers/temporal';

const FIXTURES = path.join(__dirname, 'fixtures/ledger-agent');
const temporal = useClient();
const spawnWorkerProcess = useWorkerProcesses();
let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: 'sk-crash' });
});
afterAll(async () => fake?.close());

test('SIGKILL after record_step completed, while the next model turn is in flight: the new worker asks the model again, the step is not repeated', async () => {
  const dir = await tempDir('agent-crash');
  const ledger = path.join(dir, 'ledger.txt');
  const env = {
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: uniqueName('agent-crash'),
    HARNESS_OUTPUT_DIR: dir,
    HARNESS_TOOLS: path.join(FIXTURES, 'tools.js'),
    HARNESS_WORKFLOWS: path.join(FIXTURES, 'workflows.js'),
    HARNESS_MODEL_PROVIDER: 'openai_compatible',
    HARNESS_MODEL_BASE_URL: fake.baseURL,
    HARNESS_MODEL_API_KEY: 'sk-crash',
    HARNESS_MODEL_NAME: 'fake-model',
    LEDGER_FILE: ledger,
  };
  fake.script(
    '',
    { toolCalls: [{ id: 'call_1', name: 'record_step', arguments: '{"step":"backup taken"}' }] },
    // The second turn never answers the first worker: it is killed while it waits.
    { content: 'not seen', delayMs: 60_000 },
    { content: 'recorded: backup taken' },
  );
  const first = await spawnWorkerProcess(env);
  const run = await temporal.client.workflow.start('ledger', {
    args: [{ prompt: 'record "backup taken"' }],
    taskQueue: env.HARNESS_TASK_QUEUE,
    workflowId: uniqueName('ledger'),
  });
  const chats = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions'));
  await waitFor(async () => chats().length >= 2 || null, { timeoutMs: 60_000, what: 'the second model turn to be asked' });
  expect(await fs.readFile(ledger, 'utf8')).toBe('backup taken\n');
  await first.kill('SIGKILL');
  expect(first.child.signalCode).toBe('SIGKILL');

  await spawnWorkerProcess(env);
  const result = await run.result();
  expect(result).toMatchObject({
    status: 'completed',
    output: { answer: 'recorded: backup taken', stoppedBy: 'answer', turns: 2, toolCalls: 1 },
  });
  expect(await fs.readFile(ledger, 'utf8')).toBe('backup taken\n');
  expect(chats()).toHaveLength(3);
  // The tool was scheduled once; the model's second turn was scheduled once and answered on a later attempt.
  expect((await toolsInHistory(run)).map((t) => t.tool)).toEqual(['load_default_policy', 'model_turn', 'record_step', 'model_turn']);
  const started = ((await run.fetchHistory()).events ?? []).flatMap((e) => e.activityTaskStartedEventAttributes ?? []);
  expect(started.at(-1)?.attempt).toBeGreaterThanOrEqual(2);
});
