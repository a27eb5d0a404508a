/** `npm run bench` keeps working: a tiny configuration of every scenario, checked for completeness, not speed. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runHarnessScript } from '../helpers/processes';
import { tempDir } from '../helpers/temporal';

test('the benchmark runs every scenario and writes its JSON and Markdown', async () => {
  const out = await tempDir('bench');
  const args = [
    '--concurrency',
    '1,2',
    '--runs',
    '2,4',
    '--floor-runs',
    '5',
    '--parked',
    '6',
    '--recovery',
    '3',
    '--recovery-latency-ms',
    '200',
    '--out',
    out,
  ];
  const { code, stdout, stderr } = await runHarnessScript('dist-bench/bench/run.js', args, 240_000);
  expect(stderr).not.toMatch(/^bench: (?!floor|throughput|parked|recovery)/m);
  expect(code).toBe(0);
  const report = JSON.parse(await fs.readFile(path.join(out, 'latest.json'), 'utf8'));
  expect(report.throughput.map((t: { concurrency: number; runs: number }) => [t.concurrency, t.runs])).toEqual([
    [1, 2],
    [2, 4],
  ]);
  expect(report.throughput[0].runsPerSecond).toBeGreaterThan(0);
  expect(report.parked).toMatchObject({ runs: 6, completed: 6 });
  expect(report.parked.workerRssPeakWhileParkedMb).toBeGreaterThan(10);
  expect(report.recovery).toMatchObject({ runs: 3, completed: 3 });
  expect(report.settings.eagerActivities).toBe(true);
  expect(stdout).toContain('| throughput, concurrency 1 (2 runs) |');
  expect(await fs.readFile(path.join(out, 'latest.md'), 'utf8')).toBe(stdout);
});
