/** `npm run bench` keeps working: a tiny configuration of every scenario but the cluster's, checked for completeness, not speed. */
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
    '--recovery-load',
    '4',
    // Temporal's default timeouts only make the smoke wait ~10 s more; the full bench measures both.
    '--recovery-profiles',
    'fast',
    '--realistic',
    '4',
    '--realistic-runs',
    '8',
    '--realistic-latency-ms',
    '100',
    '--telemetry-concurrency',
    '1,2',
    '--telemetry-runs',
    '2,4',
    '--codec-concurrency',
    '2',
    '--codec-runs',
    '4',
    '--agent-concurrency',
    '1,2',
    '--agent-runs',
    '2,4',
    '--agent-session-turns',
    '30',
    '--inbox',
    '5',
    '--inbox-viewers',
    '3',
    '--inbox-poll-ms',
    '250',
    // The cluster tier measures the dev server beside the cluster (test/cluster/bench-backends.test.ts).
    '--skip',
    'backends',
    '--out',
    out,
  ];
  const { code, stdout, stderr } = await runHarnessScript('dist-bench/bench/run.js', args, 300_000);
  expect(stderr).not.toMatch(
    /^bench: (?!floor|temporal-floor|harness|parked|recovery|realistic|telemetry|codec|agent|inbox|installing the peers|openai-agents|ai-sdk)/m,
  );
  expect(code).toBe(0);
  const report = JSON.parse(await fs.readFile(path.join(out, 'latest.json'), 'utf8'));
  // Every mode on the harness, and on the Temporal floor where it has a twin, at every level.
  const measured = report.throughput.map((t: { subject: string; mode: string; concurrency: number; runs: number }) =>
    [t.subject, t.mode, t.concurrency, t.runs].join(' '),
  );
  for (const [concurrency, runs] of [
    [1, 2],
    [2, 4],
  ]) {
    for (const mode of ['remote', 'local-steps', 'local']) {
      expect(measured).toContain(`temporal-floor ${mode} ${concurrency} ${runs}`);
      expect(measured).toContain(`harness ${mode} ${concurrency} ${runs}`);
    }
    // The registry's mix and the roles have no floor twin.
    expect(measured).toContain(`harness default ${concurrency} ${runs}`);
    expect(measured).toContain(`harness multi-role ${concurrency} ${runs}`);
  }
  expect(measured).toHaveLength(16);
  for (const t of report.throughput) {
    expect(t.runsPerSecond).toBeGreaterThan(0);
    expect(t.stepP50Ms).toHaveLength(6);
  }
  expect(report.parked).toMatchObject({ runs: 6, completed: 6 });
  // The approvals page listed every waiting run and measured its server with one viewer and three.
  expect(report.inbox).toMatchObject({ runs: 5, rows: 5 });
  expect(report.inbox.cpuByViewers.map((v: { viewers: number }) => v.viewers)).toEqual([1, 3]);
  expect(report.inbox.firstContentfulPaintMs).toBeGreaterThan(0);
  expect(report.parked.workerRssPeakWhileParkedMb).toBeGreaterThan(10);
  expect(report.recovery.map((k: { profile: { name: string } }) => k.profile.name)).toEqual(['fast detection']);
  for (const k of report.recovery) expect(k).toMatchObject({ runs: 3, completed: 3, loaded: { runs: 4 } });
  expect(report.settings.eagerActivities).toBe(true);
  expect(report.realistic).toMatchObject({ concurrency: 4, runs: 8, latencyMs: 100 });
  expect(report.realistic.workerCpuPercent).toBeGreaterThan(0);
  // Telemetry off and on, side by side at each level.
  expect(
    report.telemetry.map((t: { off: { concurrency: number; subject: string }; on: { subject: string } }) => [
      t.off.concurrency,
      t.off.subject,
      t.on.subject,
    ]),
  ).toEqual([
    [1, 'harness', 'harness-observed'],
    [2, 'harness', 'harness-observed'],
  ]);
  // The codec off and on, and what it adds to a run's history.
  expect(report.codec).toEqual([
    expect.objectContaining({
      off: expect.objectContaining({ subject: 'harness', concurrency: 2, runs: 4 }),
      on: expect.objectContaining({ subject: 'harness-encrypted', concurrency: 2, runs: 4 }),
    }),
  ]);
  expect(report.codec[0].historyBytes.on).toBeGreaterThan(report.codec[0].historyBytes.off);
  expect(stdout).toMatch(/^\| 2 \(4\) \| [\d.]+ \| [\d.]+ \| \d+ % \|/m);
  expect(stdout).toMatch(/^\| local \| 1 \(2\) \| [\d.]+ \| [\d.]+ \| \d+ % \|/m);
  expect(stdout).toMatch(/^\| local \| search_sources \| [\d.]+ ms \| [\d.]+ ms \|/m);
  // The ten-turn agent beside its floor and the two peers (Temporal's AI integrations) at each level, and a session that continued as new with its RSS sampled.
  expect(
    report.agents.throughput.map((t: { subject: string; concurrency: number; runs: number }) => [t.subject, t.concurrency, t.runs]),
  ).toEqual([
    ['harness-agent', 1, 2],
    ['temporal-floor-agent', 1, 2],
    ['openai-agents', 1, 2],
    ['ai-sdk', 1, 2],
    ['harness-agent', 2, 4],
    ['temporal-floor-agent', 2, 4],
    ['openai-agents', 2, 4],
    ['ai-sdk', 2, 4],
  ]);
  expect(stdout).toMatch(/^\| 2 \(4\) \| `@temporalio\/openai-agents` .*\| [\d.]+ \| \d+ % \|/m);
  expect(stdout).toMatch(/^\| 2 \(4\) \| `@temporalio\/ai-sdk` .*\| [\d.]+ \| \d+ % \|/m);
  expect(report.agents.inProcess.perTurnUs).toBeGreaterThan(0);
  expect(report.agents.session).toMatchObject({ turns: 30, sampleEvery: 3 });
  expect(report.agents.session.rssMb).toHaveLength(10);
  expect(stdout).toMatch(/^\| 2 \(4\) \| [\d.]+ \| [\d.]+ \| \d+ % \| [\d.]+ ms \| [\d.]+ ms \|/m);
  expect(await fs.readFile(path.join(out, 'latest.md'), 'utf8')).toBe(stdout);
}, 330_000); // above the script's own deadline, so a slow machine hears what it said
