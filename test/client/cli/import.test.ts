/**
 * `harness import`: the seed harness's run folders brought into Temporal. They list and read beside
 * new runs; a run that waited at the seed's gate waits at ours, and an approval writes exactly the
 * seed's draft; importing again changes nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../../src/client/api/wait-for';
import { tempDir } from '../../helpers/temporal';
import { useCliTestBed } from '../../helpers/test-bed';

const bed = useCliTestBed('import');
const FIXTURES = path.join(__dirname, 'fixtures', 'seed-runs');

/** The seed's folders under fresh ids, so the suite can run again on the same server. */
async function seedRunsFolder(): Promise<{ dir: string; ids: Record<string, string> }> {
  const dir = await tempDir('seed-import');
  const ids: Record<string, string> = {};
  const suffix = randomBytes(3).toString('hex');
  for (const original of await fs.readdir(FIXTURES)) {
    const state = JSON.parse(await fs.readFile(path.join(FIXTURES, original, 'state.json'), 'utf8'));
    const id = `${original.slice(0, 8)}-${suffix}`;
    ids[state.status] = ids[state.status] && state.run_mode === 'multi_agent' ? ids[state.status] : id;
    await fs.mkdir(path.join(dir, id));
    await fs.writeFile(path.join(dir, id, 'state.json'), JSON.stringify({ ...state, run_id: id }));
  }
  return { dir, ids };
}

test('seed runs import beside new runs; the waiting one is approved here and writes the seed draft', async () => {
  const { dir, ids } = await seedRunsFolder();
  const imported = await bed.harness('import', dir, '--json');
  expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: '' });
  const outcomes = JSON.parse(imported.stdout).runs as { runId: string; outcome: string; status: string }[];
  expect(outcomes.map((o) => o.outcome)).toEqual(['imported', 'imported', 'imported', 'imported']);

  // Listed through visibility with the status each had in the seed.
  const statusOf = async (id: string) => JSON.parse((await bed.harness('status', id, '--json')).stdout).status as string;
  for (const [status, id] of Object.entries(ids))
    await waitFor(async () => (await statusOf(id)) === status, { timeoutMs: 30_000, what: `${id} to be ${status}` });
  const listed = JSON.parse((await bed.harness('list', '--json')).stdout).rows as { workflowId: string }[];
  expect(listed.map((r) => r.workflowId)).toEqual(expect.arrayContaining(Object.values(ids)));

  // A completed seed run reads as ours: its steps, its gate, its trace after the import.
  const completed = JSON.parse((await bed.harness('trace-summary', ids.completed, '--json')).stdout);
  expect(Object.keys(completed.tools)).toEqual(['search_sources', 'extract_facts', 'draft_report', 'finalize_report']);
  expect(completed.byEvent).toMatchObject({ run_imported: 1, approval_granted: 1, run_completed: 1 });

  // The waiting one: pinned to the seed draft's own digest; the approval writes exactly that draft.
  const waiting = ids.waiting_approval;
  const seed = JSON.parse(await fs.readFile(path.join(dir, waiting, 'state.json'), 'utf8'));
  const markdown: string = seed.artifacts.draft_markdown;
  const pending = JSON.parse((await bed.harness('pending', waiting, '--json')).stdout);
  expect(pending).toMatchObject({ tool: 'finalize_report', digest: createHash('sha256').update(markdown).digest('hex') });
  expect((await bed.harness('approve', waiting)).code).toBe(0);
  const result = await bed.harness('result', waiting, '--json');
  expect(result.code).toBe(0);
  expect(await fs.readFile(path.join(bed.outputRoot, waiting, 'final_report.md'), 'utf8')).toBe(markdown);

  // Again: nothing changes.
  const again = await bed.harness('import', dir);
  expect(again.code).toBe(0);
  expect(
    again.stdout
      .split('\n')
      .filter(Boolean)
      .every((line) => line.split('\t')[1] === 'already imported'),
  ).toBe(true);
});

test('a folder with no runs, or a run that is not whole, is refused in one line', async () => {
  const empty = await tempDir('seed-import-empty');
  const none = await bed.harness('import', empty);
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(/^harness: .*: no runs to import\n$/);
  await fs.mkdir(path.join(empty, 'broken-1'));
  await fs.writeFile(path.join(empty, 'broken-1', 'state.json'), '{"run_id":"broken-1","step_results":[]}');
  const broken = await bed.harness('import', empty);
  expect(broken.code).toBe(1);
  expect(broken.stderr).toMatch(/^broken-1\trefused\tunknown\t.*not a whole seed harness run: topic: /);
});
