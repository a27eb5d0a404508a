/** `npm run bench`'s dev server beside the cluster keeps working: a tiny configuration, checked for completeness, not speed. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runHarnessScript } from '../helpers/processes';
import { tempDir } from '../helpers/temporal';

test('the same load on the dev server and on the cluster, throughput and recovery, in one report', async () => {
  const out = await tempDir('bench-backends');
  const args = [
    ...['--only', 'backends'],
    ...['--floor-runs', '5', '--backend-concurrency', '2,4', '--backend-runs', '4,8'],
    ...['--backend-recovery', '3', '--recovery-latency-ms', '200', '--recovery-load', '4'],
    ...['--out', out],
  ];
  const { code, stdout, stderr } = await runHarnessScript('dist-bench/bench/run.js', args, 600_000);
  expect(stderr).not.toMatch(/^bench: (?!floor|dev-server|cluster)/m);
  expect(code).toBe(0);
  const report = JSON.parse(await fs.readFile(path.join(out, 'latest.json'), 'utf8'));
  expect(report.backends.map((b: { backend: string }) => b.backend)).toEqual(['dev-server', 'cluster']);
  for (const b of report.backends) {
    expect(b.throughput.map((t: { concurrency: number; runs: number }) => [t.concurrency, t.runs])).toEqual([
      [2, 4],
      [4, 8],
    ]);
    for (const t of b.throughput) expect(t.startToGateMs.p50).toBeGreaterThan(0);
    expect(b.recovery).toMatchObject({ runs: 3, completed: 3 });
  }
  expect(stdout).toMatch(/^\| cluster \| 4 \(8\) \| [\d.]+ \|/m);
  expect(stdout).toMatch(/^\| dev-server \| 3 of 3 in flight|^\| dev-server \| \d of 3 in flight/m);
});
