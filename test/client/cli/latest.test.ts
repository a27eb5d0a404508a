/**
 * `--latest` on the per-run commands: the most recently started run on the client's task queue,
 * through visibility, whether it is still open or already closed; and `history`, the seed's name
 * for `trace`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../../src/client/api/wait-for';
import { runHarness } from '../../helpers/processes';
import { testAddress, uniqueName } from '../../helpers/temporal';
import { useCliTestBed } from '../../helpers/test-bed';

const bed = useCliTestBed('latest');

async function start(): Promise<string> {
  const started = await bed.harness('start', '--topic', 'durable agent harness', '--json');
  expect(started.stderr).toBe('');
  return JSON.parse(started.stdout).workflowId;
}

/** What `status --latest` names, once visibility has caught up with `expected`. */
async function latestBecomes(expected: string): Promise<void> {
  await waitFor(
    async () => {
      const { stdout } = await bed.harness('status', '--latest', '--json');
      return stdout && JSON.parse(stdout).runId === expected;
    },
    { timeoutMs: 60_000, what: `--latest to name ${expected}` },
  );
}

test('with no run on the task queue, --latest is one clear line and a non-zero exit', async () => {
  const empty = uniqueName('empty');
  const result = await runHarness(['status', '--latest'], { TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: empty });
  expect(result.code).not.toBe(0);
  expect(result.stderr.trim()).toBe(`harness: no runs yet on task queue ${empty}: start one with \`harness start --topic ...\``);
});

test('--latest follows the newest start, open or closed; history is trace', async () => {
  const first = await start();
  await latestBecomes(first);
  await start();
  const third = await start();
  await latestBecomes(third);
  // Closed now, yet still the most recently started: the older open run must not win.
  expect((await bed.harness('cancel', '--latest')).code).toBe(0);
  await waitFor(async () => JSON.parse((await bed.harness('status', third, '--json')).stdout).status === 'cancelled', {
    timeoutMs: 60_000,
    what: `${third} to be cancelled`,
  });
  await latestBecomes(third);

  const history = await bed.harness('history', '--latest', '--event', 'run_created', '--json');
  expect(history.code).toBe(0);
  expect(JSON.parse(history.stdout)).toHaveLength(1);
  expect((await bed.harness('history', first, '--tail', '1')).stdout).toMatch(/approval_required|policy_checked|run_/);
});

test('a run id and --latest together, or neither, is refused in one line', async () => {
  const both = await bed.harness('status', 'some-run', '--latest');
  expect(both.stderr.trim()).toBe('harness: give a run id or --latest, not both');
  const neither = await bed.harness('trace');
  expect(neither.stderr.trim()).toBe('harness: which run? give its id, or --latest for the most recently started one');
  expect([both.code, neither.code]).not.toContain(0);
});

test("the seed's option names work beside ours: --source-file, --policy-file", async () => {
  const policy = path.join(bed.dir, 'seed-named.yaml');
  await fs.writeFile(policy, 'version: 1\nname: seed-named\n');
  const sources = path.join(bed.dir, 'sources.json');
  await fs.writeFile(sources, JSON.stringify([{ title: 'One source', content: 'A durable agent harness records every step.' }]));
  const started = await bed.harness(
    'start',
    '--topic',
    'durable agent harness',
    '--source-file',
    sources,
    '--policy-file',
    policy,
    '--json',
  );
  expect(started.stderr).toBe('');
  expect(JSON.parse(started.stdout).policy).toBe('seed-named');
  const clash = await bed.harness('policy', '--file', policy, '--policy-file', path.join(bed.dir, 'other.yaml'));
  expect(clash.stderr.trim()).toBe("harness: --file and the seed's --policy-file disagree: give one");
});
