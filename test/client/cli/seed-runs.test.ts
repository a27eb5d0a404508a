/**
 * A seed harness user's `.runs` folder, read as it is by every offline read command (`--runs-dir`),
 * with no Temporal server. The fixtures are run folders the seed itself wrote (its CLI, run on
 * its own sample data): a run at its gate, one approved and completed, a multi-agent run at its
 * gate, and one its policy failed.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runHarness } from '../../helpers/processes';
import { tempDir } from '../../helpers/temporal';

const RUNS = path.join(__dirname, 'fixtures', 'seed-runs');
const WAITING = '87538eb9-39ee-4e15-a33e-7072bd037d53';
const COMPLETED = 'e50a3665-ff40-45ae-af63-b734a8a2d12e';
const MULTI = '29804916-3211-4805-a42e-c2a45f973a43';
const FAILED = '62dc9960-016d-4a1a-ac09-09b946cc0692';

// Nothing may reach a server: these are files.
const harness = (...args: string[]) => runHarness(args, { TEMPORAL_ADDRESS: 'nowhere:1' });
const seedState = async (id: string) => JSON.parse(await fs.readFile(path.join(RUNS, id, 'state.json'), 'utf8'));
const json = async (...args: string[]) => {
  const result = await harness(...args, '--runs-dir', RUNS, '--json');
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
  return JSON.parse(result.stdout);
};

test('list --runs-dir shows every seed run with its status and topic', async () => {
  const { rows } = await json('list');
  expect(rows.map((r: { runId: string; status: string }) => [r.runId, r.status])).toEqual([
    [MULTI, 'waiting_approval'],
    [FAILED, 'failed'],
    [WAITING, 'waiting_approval'],
    [COMPLETED, 'completed'],
  ]);
});

test("a run at the seed's gate: the pending report, byte for byte, and a digest an approval can be pinned to", async () => {
  const seed = await seedState(WAITING);
  const digest = createHash('sha256').update(seed.artifacts.draft_markdown).digest('hex');
  const summary = await json('summary', WAITING);
  expect(summary).toMatchObject({ status: 'waiting_approval', currentStep: 'approval' });
  const pending = await json('pending', WAITING);
  expect(pending).toMatchObject({ tool: 'finalize_report', digest, review: { passed: true } });
  const draft = await harness('draft', WAITING, '--runs-dir', RUNS);
  expect(draft.stdout).toBe(
    seed.artifacts.draft_markdown.endsWith('\n') ? seed.artifacts.draft_markdown : `${seed.artifacts.draft_markdown}\n`,
  );
  // The seed's tool and step names read as ours.
  const status = await json('status', WAITING);
  expect(status.steps.map((s: { tool: string }) => s.tool)).toEqual(['search_sources', 'extract_facts', 'draft_report']);
});

test('an approved and completed seed run: its gate, report and trace rolled up', async () => {
  const seed = await seedState(COMPLETED);
  const rollup = await json('trace-summary', COMPLETED);
  expect(rollup).toMatchObject({
    status: 'completed',
    events: seed.trace.length,
    gate: { status: 'approved', gates: 1 },
    review: { passed: true, findings: [] },
    report: { written: true, path: seed.artifacts.final_report.path },
  });
  expect(Object.keys(rollup.tools)).toEqual(['search_sources', 'extract_facts', 'draft_report', 'finalize_report']);
  const trace = await json('trace', COMPLETED, '--event', 'approval_granted');
  expect(trace).toHaveLength(1);
  expect(trace[0].at).toBe(new Date(seed.trace.find((e: { event: string }) => e.event === 'approval_granted').timestamp).toISOString());
  const memory = await json('memory', COMPLETED, '--query', 'retries');
  expect(memory.layers.retrievalMemory.results[0]).toMatchObject({ title: 'Harnesses are where reliability lives', score: 1 });
});

test("a multi-agent seed run's handoffs, and a failed run's reason", async () => {
  const handoffs = await json('handoffs', MULTI);
  expect(handoffs.handoffs.map((h: { from: string; to: string }) => `${h.from}->${h.to}`)).toEqual([
    'planner->executor',
    'executor->reviewer',
    'reviewer->executor',
  ]);
  expect(handoffs.currentRole).toBe('reviewer');
  const failed = await json('status', FAILED);
  expect(failed).toMatchObject({ status: 'failed' });
  expect(failed.error).toMatch(/outside allowed output roots/);
});

test('a seed run folder that is not whole, or names a path, is one line naming the field', async () => {
  const dir = await tempDir('seed-runs-bad');
  const seed = await seedState(WAITING);
  const write = async (id: string, state: unknown) => {
    await fs.mkdir(path.join(dir, id), { recursive: true });
    await fs.writeFile(path.join(dir, id, 'state.json'), JSON.stringify(state));
  };
  await write('truncated', { ...seed, run_id: 'truncated', status: undefined });
  await write('escaping', { ...seed, run_id: '../../etc' });
  for (const [id, message] of [
    ['truncated', /truncated[/\\]state\.json: not a whole seed harness run: status: /],
    ['escaping', /escaping[/\\]state\.json: not a whole seed harness run: run_id: must be a run id/],
  ] as const) {
    const result = await harness('summary', id, '--runs-dir', dir);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  }
});
