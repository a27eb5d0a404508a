/**
 * The seed's read commands on a real run: summary, trace-summary, memory, draft (and pending
 * --full), export; a closed run read with no worker at all (its history replayed here); and every
 * read command against an export folder with no Temporal server.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runHarness } from '../../helpers/processes';
import { tempDir } from '../../helpers/temporal';
import { useCliTestBed } from '../../helpers/test-bed';

const bed = useCliTestBed('reads');
const json = async (...args: string[]) => {
  const result = await bed.harness(...args, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

/** Nothing listens here: a command that needed Temporal would fail to connect. */
const NO_SERVER = { TEMPORAL_ADDRESS: '127.0.0.1:1' };
const READS: string[][] = [
  ['status'],
  ['summary'],
  ['trace'],
  ['trace-summary'],
  ['memory', '--query', 'idempotent'],
  ['pending'],
  ['draft'],
  ['handoffs'],
  ['inspect'],
];

test('a run read at its gate, after it ends without a worker, and from its export without a server', async () => {
  const started = await bed.harness('start', '--topic', 'durable agent harness', '--wait', '--json');
  expect(started.code).toBe(2);
  const id = (await json('status', '--latest')).runId as string;

  const summary = await json('summary', id);
  expect(summary).toMatchObject({ status: 'waiting_approval', approval: { required: true, tool: 'finalize_report', stillNeeded: 1 } });
  expect(summary.nextCommands).toContain(`harness approve ${id} --digest ${summary.approval.digest.slice(0, 12)}`);

  const rollup = await json('trace-summary', id);
  const trace = await json('trace', id);
  expect(rollup.events).toBe(trace.length);
  expect(rollup.byEvent.approval_required).toBe(1);
  expect(rollup.tools.draft_report).toMatchObject({ calls: 1, attempts: 1 });
  expect(rollup.gate).toMatchObject({ status: 'pending', pendingTool: 'finalize_report' });

  const memory = await json('memory', id, '--query', 'idempotent atomic crash', '--top-k', '2');
  expect(memory.layers.retrievalMemory.results).toHaveLength(2);
  // The passage holding two of the three terms ranks first; then one holding one.
  expect(memory.layers.retrievalMemory.results[0]).toMatchObject({ score: 0.667, title: 'Retries and idempotent tools' });
  expect(memory.layers.retrievalMemory.results[1].score).toBe(0.333);
  expect(memory.layers.workingContext.factCount).toBeGreaterThan(0);

  // The whole draft, not a preview: byte for byte what approval writes.
  const draft = await bed.harness('draft', id);
  expect(draft.stderr).toMatch(/^finalize_report waits for approval \(digest [0-9a-f]{64}\)/);
  expect((await bed.harness('pending', id, '--full')).stdout).toBe(draft.stdout);
  expect((await bed.harness('approve', id)).code).toBe(0);
  expect((await bed.harness('result', id)).code).toBe(0);
  const completed = await json('summary', id);
  expect(completed.report).not.toBeNull();
  expect(await fs.readFile(completed.report.path, 'utf8')).toBe(draft.stdout);

  // Closed: no worker needed, the history is replayed on this machine.
  await bed.stopWorker();
  const closed = await json('trace-summary', id);
  expect(closed).toMatchObject({ status: 'completed', gate: { status: 'approved' }, report: { written: true, onThisMachine: true } });
  const exportDir = await tempDir('exports');
  expect((await json('export', id, '--dir', exportDir)).folder).toBe(path.join(exportDir, id));
  expect((await fs.readdir(path.join(exportDir, id))).sort()).toEqual(
    ['memory.json', 'state.json', 'summary.json', 'trace.json', 'trace_summary.json'].sort(),
  );

  for (const read of READS) {
    const live = await bed.harness(...read, id, '--json');
    const offline = await runHarness([...read, '--from', path.join(exportDir, id), '--json'], { ...bed.env, ...NO_SERVER });
    expect({ read, code: offline.code, stderr: offline.stderr }).toEqual({ read, code: 0, stderr: '' });
    expect(JSON.parse(offline.stdout)).toEqual(JSON.parse(live.stdout));
  }
  // The parent folder works too when it holds one export.
  expect((await runHarness(['summary', '--from', exportDir], NO_SERVER)).stdout).toContain(`run:        ${id}`);
});

test('an export from an earlier release still reads; a damaged one, or two folders, is refused in one line', async () => {
  const dir = await tempDir('bad-export');
  const exported = JSON.parse(await fs.readFile(path.join(__dirname, 'fixtures', 'export-state.json'), 'utf8'));
  await fs.writeFile(path.join(dir, 'state.json'), JSON.stringify(exported));
  const kept = await runHarness(['trace-summary', '--from', dir, '--json'], NO_SERVER);
  expect(JSON.parse(kept.stdout)).toMatchObject({ runId: exported.state.runId, status: 'completed', gate: { status: 'approved' } });
  await fs.writeFile(path.join(dir, 'state.json'), JSON.stringify({ ...exported, state: { ...exported.state, status: 'bogus' } }));
  const damaged = await runHarness(['summary', '--from', dir], NO_SERVER);
  expect(damaged.code).not.toBe(0);
  expect(damaged.stderr.trim().split('\n')).toHaveLength(1);
  expect(damaged.stderr).toMatch(/state\.json: not a harness export: state\.status/);

  const both = await runHarness(['summary', '--from', dir, '--runs-dir', dir], NO_SERVER);
  expect(both.stderr.trim()).toBe('harness: give --from or --runs-dir, not both');
  const nothing = await runHarness(['trace', '--from', path.join(dir, 'missing')], NO_SERVER);
  expect(nothing.stderr.trim()).toMatch(/^harness: .*missing: no such folder$/);
});

test('a folder of exports, as the seed reads its runs folder: by id, --latest, --runs-dir; inspect shows all of it', async () => {
  const dir = await tempDir('runs-dir');
  const exported = JSON.parse(await fs.readFile(path.join(__dirname, 'fixtures', 'export-state.json'), 'utf8'));
  const older = { ...exported, state: { ...exported.state, runId: 'run-older' } };
  const newer = { ...exported, state: { ...exported.state, runId: 'run-newer' } };
  for (const snapshot of [older, newer]) {
    await fs.mkdir(path.join(dir, snapshot.state.runId));
    await fs.writeFile(path.join(dir, snapshot.state.runId, 'state.json'), JSON.stringify(snapshot));
  }
  // Newest by the time its export was written.
  await fs.utimes(path.join(dir, 'run-older', 'state.json'), new Date(2026, 0, 1), new Date(2026, 0, 1));

  const ambiguous = await runHarness(['summary', '--from', dir], NO_SERVER);
  expect(ambiguous.stderr.trim()).toMatch(/holds 2 exports \(.*\): give a run id or --latest$/);
  const byId = await runHarness(['summary', 'run-older', '--from', dir, '--json'], NO_SERVER);
  expect(JSON.parse(byId.stdout).runId).toBe('run-older');
  const latest = await runHarness(['trace-summary', '--latest', '--runs-dir', dir, '--json'], NO_SERVER);
  expect(JSON.parse(latest.stdout).runId).toBe('run-newer');
  const missing = await runHarness(['memory', 'run-gone', '--from', dir], NO_SERVER);
  expect(missing.stderr.trim()).toBe(`harness: no export of run run-gone in ${dir}`);

  const inspected = JSON.parse((await runHarness(['inspect', 'run-older', '--from', dir], NO_SERVER)).stdout);
  const { format: _format, exportedAt: _at, ...snapshot } = older;
  expect(inspected).toEqual(snapshot);
});
