/** The built `harness` bin as a subprocess: commands, JSON output and one-line errors. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../../src/client/api/wait-for';
import { runHarness } from '../../helpers/processes';
import { startRun } from '../../../src/client/api/runs';
import { startTestWorker, tempDir, testAddress, testClient, TestWorker, uniqueName } from '../../helpers/temporal';

let worker: TestWorker;
let env: NodeJS.ProcessEnv;
let outputRoot: string;

beforeAll(async () => {
  outputRoot = await tempDir('cli');
  const taskQueue = uniqueName('cli');
  worker = await startTestWorker({ taskQueue, outputRoot });
  env = { TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: taskQueue, XDG_STATE_HOME: outputRoot };
});

afterAll(async () => {
  await worker?.stop();
});

const harness = (...args: string[]) => runHarness(args, env);

async function startWaitingRun(): Promise<string> {
  const started = await harness('start', '--topic', 'durable agent harness', '--json');
  expect(started.code).toBe(0);
  const { workflowId } = JSON.parse(started.stdout);
  await waitFor(
    async () => {
      const { stdout } = await harness('status', workflowId, '--json');
      return stdout && JSON.parse(stdout).status === 'waiting_approval';
    },
    { timeoutMs: 30_000, what: `${workflowId} to wait for approval` },
  );
  return workflowId;
}

function expectOneLineError(result: { code: number | null; stderr: string }, message: RegExp) {
  expect(result.code).not.toBe(0);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

test('start, status, pending, approve and result complete a run', async () => {
  const id = await startWaitingRun();
  const pending = await harness('pending', id, '--json');
  expect(JSON.parse(pending.stdout)).toMatchObject({ tool: 'finalize_report', digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  const human = await harness('pending', id);
  expect(human.stdout).toMatch(/pending tool:\s+finalize_report/);

  const approved = await harness('approve', id, '--approver', 'carol', '--comment', 'ship it');
  expect(approved.stdout).toMatch(new RegExp(`^${id}: approved; finalizing \\(digest [0-9a-f]{12}…\\)`));
  const result = await harness('result', id, '--json');
  expect(result.code).toBe(0);
  const final = JSON.parse(result.stdout);
  expect(final).toMatchObject({ status: 'completed', decision: { approver: 'carol', comment: 'ship it' } });
  expect(await fs.readFile(path.join(outputRoot, id, 'final_report.md'), 'utf8')).toMatch(/^# Report: durable agent harness/);

  const status = await harness('status', id);
  expect(status.stdout).toMatch(/status:\s+completed/);
  const trace = await harness('trace', id, '--event', 'approval_granted', '--json');
  expect(JSON.parse(trace.stdout)).toHaveLength(1);
  const tail = await harness('trace', id, '--tail', '1');
  expect(tail.stdout).toMatch(/run_completed/);

  // A decision for a run that is no longer waiting is refused.
  expectOneLineError(await harness('approve', id), new RegExp(`approve refused: run ${id} has already ended`));
  // The seed's habit, approve then resume: the approval already continued the run, and resume says so.
  const resumed = await harness('resume', id);
  expect(resumed).toMatchObject({ code: 0, stderr: '' });
  expect(resumed.stdout).toBe(
    `${id}: already continued after carol's approval (status: completed): nothing to resume (an approval continues the run; no resume step is needed)\n`,
  );
});

test("start --execution chooses local or remote per tool, over the policy; status shows each step's mode", async () => {
  const dir = await tempDir('cli-execution');
  const policy = path.join(dir, 'policy.json');
  await fs.writeFile(
    policy,
    JSON.stringify({ version: 1, name: 'all-local', tools: { plan_run: { execution: 'local' }, draft_report: { execution: 'local' } } }),
  );
  const started = await harness(
    'start',
    '--topic',
    'durable agent harness',
    '--policy',
    policy,
    '--execution',
    'search_sources=remote,draft_report=remote',
    '--json',
  );
  expect(started.stderr).toBe('');
  const { workflowId } = JSON.parse(started.stdout);
  const state = await waitFor(
    async () => {
      const { stdout } = await harness('status', workflowId, '--json');
      const parsed = stdout ? JSON.parse(stdout) : null;
      return parsed?.status === 'waiting_approval' ? parsed : null;
    },
    { timeoutMs: 30_000, what: `${workflowId} at its gate` },
  );
  // Registry: search and extract local; the policy makes plan and draft local; the run makes search and draft remote again.
  expect(Object.fromEntries(state.steps.map((s: { tool: string; execution: string }) => [s.tool, s.execution]))).toEqual({
    plan_run: 'local',
    search_sources: 'remote',
    extract_facts: 'local',
    draft_report: 'remote',
    review_draft: 'remote',
  });
  expect((await harness('status', workflowId)).stdout).toMatch(/plan_run\s+ok\s+attempts=1 local/);
  await harness('cancel', workflowId);
});

test('reject ends the run as rejected; result exits 3', async () => {
  const id = await startWaitingRun();
  const rejected = await harness('reject', id, '--reason', 'wrong topic');
  expect(rejected.stdout).toMatch(new RegExp(`^${id}: rejected; nothing will be written`));
  const result = await harness('result', id);
  expect(result.code).toBe(3);
  expect(result.stdout).toMatch(/status:\s+rejected/);
  await expect(fs.readdir(path.join(outputRoot, id))).rejects.toThrow();
});

test('list finds runs by status through HarnessStatus', async () => {
  const id = await startWaitingRun();
  const listed = await waitFor(
    async () => {
      const { stdout } = await harness('list', '--status', 'waiting_approval', '--json');
      return JSON.parse(stdout).rows.find((row: { workflowId: string }) => row.workflowId === id);
    },
    { timeoutMs: 20_000, what: `${id} in the waiting_approval listing` },
  );
  expect(listed).toMatchObject({ status: 'waiting_approval', topic: 'durable agent harness' });
  await harness('reject', id);
  expectOneLineError(await harness('list', '--status', 'sleeping'), /unknown status "sleeping"/);
  expectOneLineError(await harness('trace', id, '--event', 'nap'), /unknown event type "nap"/);
});

test('errors are one line on stderr with a non-zero exit', async () => {
  expectOneLineError(await harness('status', 'no-such-run'), /^harness: no run with id no-such-run$/m);
  expectOneLineError(await harness('status', '../etc'), /invalid run id/);
  expectOneLineError(
    await runHarness(['status', 'x'], { ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' }),
    /cannot reach Temporal at 127\.0\.0\.1:1/,
  );
  expectOneLineError(await harness('start', '--topic', 'x y z', '--sources', '/nonexistent.json'), /sources file not found/);
  const bad = path.join(await tempDir('cli-bad'), 'bad.json');
  await fs.writeFile(bad, '{"not": "a list"}');
  expectOneLineError(await harness('start', '--topic', 'x y z', '--sources', bad), /sources file has the wrong shape/);
  expectOneLineError(await harness('start', '--topic', 'x y z', '--execution', 'fast'), /invalid execution "fast"/);
  expectOneLineError(await harness('start', '--topic', 'x y z', '--execution', 'draft_report=nearby'), /the mode must be local or remote/);
  expectOneLineError(
    await runHarness(['start', '--topic', 'x y z'], { ...env, HARNESS_EXECUTION: 'plan=local' }),
    /HARNESS_EXECUTION: invalid execution "plan=local"/,
  );
  expectOneLineError(
    await runHarness(['worker'], { ...env, HARNESS_MODEL_PROVIDER: 'openai_compatible' }),
    /HARNESS_MODEL_BASE_URL: required \(or HARNESS_OPENAI_BASE_URL, OPENAI_BASE_URL\)/,
  );
});

test('demo --yes completes a run on the running server and prints the report path and Web URL', async () => {
  const demoOutput = await tempDir('demo');
  const demo = await runHarness(
    ['demo', '--yes'],
    { ...env, HARNESS_TASK_QUEUE: uniqueName('demo'), HARNESS_OUTPUT_DIR: demoOutput },
    90_000,
  );
  expect(demo.code).toBe(0);
  expect(demo.stdout).toMatch(/reusing the running server/);
  expect(demo.stdout).toMatch(/pending tool:\s+finalize_report/);
  const id = /run (\S+): completed/.exec(demo.stdout)?.[1];
  expect(id).toBeDefined();
  expect(demo.stdout).toContain(`report: ${path.join(demoOutput, id!, 'final_report.md')}`);
  expect(demo.stdout).toContain(`/namespaces/default/workflows/${id}`);
  expect(await fs.readdir(path.join(demoOutput, id!))).toEqual(['final_report.md']);
});

test('inbox pages through every waiting run with topic, digest and the start of the draft', async () => {
  const ids = await Promise.all([startWaitingRun(), startWaitingRun(), startWaitingRun()]);
  const seen = new Map<string, { topic: string; digestPrefix: string; draft: string[] }>();
  await waitFor(
    async () => {
      seen.clear();
      let token: string | null = null;
      let pages = 0;
      do {
        const { stdout } = await harness('inbox', '--json', '--page-size', '2', ...(token ? ['--page', token] : []));
        const page = JSON.parse(stdout);
        expect(page.runs.length).toBeLessThanOrEqual(2);
        for (const run of page.runs) seen.set(run.workflowId, run);
        token = page.nextPageToken;
        pages++;
      } while (token);
      return ids.every((id) => seen.has(id)) && pages >= 2;
    },
    { timeoutMs: 20_000, what: 'all three runs in the paged inbox' },
  );
  expect(seen.get(ids[0])).toMatchObject({
    topic: 'durable agent harness',
    tool: 'finalize_report',
    digestPrefix: expect.stringMatching(/^[0-9a-f]{12}$/),
    draft: ['# Report: durable agent harness', '', '## Key Findings'],
  });
  const human = await harness('inbox', '--page-size', '100');
  expect(human.stdout).toContain(`${ids[0]}  finalize_report  digest`);
  for (const id of ids) await harness('reject', id, '--reason', 'inbox test');
});

test('watch and start --wait follow a run and exit with a code that says how it stopped', async () => {
  const started = await harness('start', '--topic', 'durable agent harness', '--wait');
  expect(started.code).toBe(2);
  const id = started.stdout.split('\n')[0];
  expect(started.stdout).toMatch(/tool_ok draft_report attempt=1/);
  expect(started.stdout).toMatch(new RegExp(`waiting for approval of finalize_report: harness pending ${id}`));

  const atGate = await harness('watch', id);
  expect(atGate.code).toBe(2);
  await harness('pending', id);
  await harness('approve', id);
  const done = await harness('watch', id, '--json');
  expect(done.code).toBe(0);
  const lines = done.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.map((l) => l.type)).toContain('approval_granted');
  expect(lines[lines.length - 1]).toEqual({ status: 'completed', runId: id });

  const failed = await harness('start', '--topic', 'quantum chromodynamics', '--wait');
  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/failed: review failed/);
});

test.each(['', '   ', 'ab'])('start --topic %j is refused with one line naming the field, and no run starts', async (topic) => {
  const id = uniqueName('refused');
  const started = await harness('start', '--topic', topic, '--id', id);
  expectOneLineError(started, /^harness: invalid run input: topic: Too small: expected string to have >=3 characters\n$/);
  expect(started.stdout).toBe('');
  expectOneLineError(await harness('status', id), new RegExp(`no run with id ${id}`));
});

test('approve is pinned to what the approver read: nothing read, nothing approved', async () => {
  const id = await startWaitingRun();
  const unread = await runHarness(['approve', id], { ...env, XDG_STATE_HOME: await tempDir('unread') });
  expectOneLineError(
    unread,
    new RegExp(`^harness: approve needs to know what you read: run \`harness pending ${id}\` first, or pass --digest`),
  );
  expectOneLineError(await harness('approve', id, '--digest', 'xyz'), /--digest: the pending digest, or at least its first 8 characters/);
  const { digest } = JSON.parse((await runHarness(['pending', id, '--json'], { ...env, XDG_STATE_HOME: await tempDir('other') })).stdout);
  expect((await harness('approve', id, '--digest', digest.slice(0, 8))).stdout).toMatch(/approved; finalizing/);
});

test('an input too large for history is refused before anything starts, with what to fix', async () => {
  const dir = await tempDir('large');
  const policy = path.join(dir, 'policy.json');
  await fs.writeFile(policy, JSON.stringify({ version: 1, name: 'wide', description: 'd'.repeat(3_000_000) }));
  const id = uniqueName('large');
  const started = await harness('start', '--topic', 'durable agent harness', '--policy', policy, '--id', id);
  expectOneLineError(started, new RegExp(`^harness: policy file ${policy}: \\d+ bytes, at most 65536`));
  expectOneLineError(await harness('status', id), new RegExp(`no run with id ${id}`));

  // Through the client API (what an MCP server or a script calls), the whole input is bounded too.
  const { client, close } = await testClient();
  try {
    const sources = Array.from({ length: 10 }, (_, i) => ({ title: `t${i}`, content: 'durable agent harness '.repeat(6_000) }));
    await expect(startRun({ client, taskQueue: env.HARNESS_TASK_QUEUE! }, { topic: 'durable agent harness', sources, id })).rejects.toThrow(
      /^invalid run input: \(root\): the run input is \d+ characters: at most 1200000/,
    );
  } finally {
    await close();
  }
});

test('a decision too large for history is refused locally, naming the field', async () => {
  const id = await startWaitingRun();
  await harness('pending', id);
  const comment = await harness('approve', id, '--comment', 'x'.repeat(3_000));
  expectOneLineError(comment, /^harness: invalid approve: comment: Too big: expected string to have <=2000 characters\n$/);
  const reason = await harness('reject', id, '--reason', 'y'.repeat(3_000));
  expectOneLineError(reason, /^harness: invalid reject: reason: Too big/);
  expect((await harness('reject', id, '--reason', 'fits')).stdout).toMatch(/rejected; nothing will be written/);
});
