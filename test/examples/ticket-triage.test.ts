/**
 * The example project, built as a user builds it: the harness packed (`npm pack`), the tarball
 * installed into a clean folder beside a copy of examples/ticket-triage, the example compiled with
 * its own TypeScript and run on the suite's real dev server. Started by `harness start --workflow`,
 * gated by the example's policy (two approvers), approved once through `temporal workflow update`,
 * its worker SIGKILLed at the gate, the second approval through `harness approve` taken by a new
 * worker, exactly one message in the maildir, `harness summary` of the closed run (rebuilt by
 * replaying its history with the example's workflows).
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { stateQuery } from '../../src/shared/messages';
import type { RunState } from '../../src/shared/run';
import { findGoTool, TEMPORAL_CLI } from '../../src/toolchain/go-tools';
import { runNode, spawnNodeUntil, WorkerProcess } from '../helpers/processes';
import { tempDir, testAddress, uniqueName, waitForStatus } from '../helpers/temporal';
import { useClient } from '../helpers/test-bed';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples', 'ticket-triage');
const READY = /harness worker: task queue/;

const holder = useClient();
const workers: WorkerProcess[] = [];
let project: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const dir = await tempDir('example');
  // What `npm pack` ships: the suite's `npm run build` made dist/ just before the tests.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const tarball = path.join(dir, JSON.parse(stdout)[0].filename);
  project = path.join(dir, 'ticket-triage');
  await fs.cp(EXAMPLE, project, { recursive: true, filter: (file) => !/node_modules|dist|maildir/.test(path.relative(EXAMPLE, file)) });
  const manifest = JSON.parse(await fs.readFile(path.join(project, 'package.json'), 'utf8'));
  manifest.dependencies['durable-harness'] = `file:${tarball}`;
  await fs.writeFile(path.join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, maxBuffer: 16 * 1024 * 1024 });
  await run(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project]);
  env = {
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: uniqueName('triage'),
    HARNESS_WORKFLOWS: path.join(project, 'dist', 'workflows.js'),
    HARNESS_TOOLS: path.join(project, 'dist', 'activities.js'),
    HARNESS_POLICY_FILE: path.join(project, 'policy.yaml'),
    TRIAGE_MAILDIR: path.join(dir, 'maildir'),
    XDG_STATE_HOME: path.join(dir, 'state'),
    HARNESS_IDENTITY: 'dana',
  };
}, 300_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill('SIGKILL')));
});

/** The installed package's own `harness` bin, in the project, as its user runs it. */
const harness = (...args: string[]) =>
  runNode([path.join(project, 'node_modules', 'durable-harness', 'bin', 'harness.js'), ...args], env, 60_000, project);

async function worker(script: string[]): Promise<WorkerProcess> {
  const started = await spawnNodeUntil(script, env, READY, 90_000);
  workers.push(started);
  return started;
}

test('from the packed tarball: gated, approved through both doors across a worker SIGKILL, one side effect, read back', async () => {
  // One worker as `harness worker` with HARNESS_TOOLS and HARNESS_WORKFLOWS, the other as the example's own script.
  const first = await worker([path.join(project, 'node_modules', 'durable-harness', 'bin', 'harness.js'), 'worker']);

  const refused = await harness('start', '--workflow', 'triage', '--input', '{"ticketId":"ticket 7"}');
  expect(refused.code).not.toBe(0);
  expect(refused.stderr.trim()).toBe('harness: invalid input for triage: ticketId: Invalid string: must match pattern /^T-\\d{1,6}$/');

  const started = await harness('start', '--workflow', 'triage', '--input', '{"ticketId":"T-101"}', '--json');
  expect(started.stderr).toBe('');
  const { workflowId, policy } = JSON.parse(started.stdout);
  expect(policy).toBe('triage');
  const handle = holder.client.workflow.getHandle(workflowId);
  const gated: RunState = await waitForStatus(handle, ['waiting_approval']);
  expect(gated.pendingAction).toMatchObject({ tool: 'file_ticket', minApprovals: 2, allowSelfApproval: false });

  // An approver reads the gate first (approve is pinned to what `pending` showed); the run's starter
  // may not approve; the first approval comes through Temporal's own CLI.
  const pending = await harness('pending', workflowId);
  expect(pending.stdout).toContain('"queue": "urgent"');
  const self = await harness('approve', workflowId);
  expect(self.stderr).toContain('dana started this run and policy "triage" forbids self-approval');
  const temporal = (await findGoTool(TEMPORAL_CLI))!;
  const update = await run(temporal, [
    'workflow',
    'update',
    'execute',
    '--address',
    testAddress(),
    '-w',
    workflowId,
    '--name',
    'approve',
    '--input',
    '{"approver":"ops"}',
  ]);
  expect(update.stdout).toContain('1 more needed');

  // The worker dies at the gate; a new one (the example's own worker script) takes the run over.
  await first.kill('SIGKILL');
  await worker([path.join(project, 'dist', 'worker.js')]);
  const approved = await harness('approve', workflowId, '--approver', 'erin');
  expect(approved.stderr).toBe('');
  expect(approved.stdout).toContain('approved; running file_ticket');

  const result = (await handle.result()) as { status: string; output: { queue: string; message: string } };
  expect(result).toMatchObject({ status: 'completed', output: { queue: 'urgent' } });
  const delivered = await fs.readdir(path.join(env.TRIAGE_MAILDIR!, 'new'));
  expect(delivered).toEqual([`${workflowId}.T-101.triage`]);
  expect((await handle.query(stateQuery)).gates?.[0]).toMatchObject({ outcome: 'approved' });

  // Read back once closed: the client replays the run's history with the example's workflows.
  const summary = await harness('summary', workflowId, '--json');
  expect(summary.stderr).toBe('');
  expect(JSON.parse(summary.stdout)).toMatchObject({ status: 'completed', topic: 'triage T-101', startedBy: 'dana' });
}, 300_000);

test('every TypeScript block of docs/extending.md is a file of the example, word for word (so the build above type-checks it)', async () => {
  const page = await fs.readFile(path.join(ROOT, 'docs', 'extending.md'), 'utf8');
  const blocks = [...page.matchAll(/```ts\n\/\/ (examples\/ticket-triage\/[^\n]+)\n([\s\S]*?)```/g)];
  expect(blocks.map(([, file]) => file)).toEqual([
    'examples/ticket-triage/src/tools.ts',
    'examples/ticket-triage/src/activities.ts',
    'examples/ticket-triage/src/workflows.ts',
    'examples/ticket-triage/src/worker.ts',
  ]);
  expect(page.match(/```ts\n/g)).toHaveLength(blocks.length);
  for (const [, file, code] of blocks) expect(code).toBe(await fs.readFile(path.join(ROOT, file), 'utf8'));
});
