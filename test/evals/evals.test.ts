/**
 * `harness evals` on the suite's dev server: the default suite (at least ten fixtures) passes; a
 * fixture whose expectation is wrong fails with the check that failed; a malformed fixture file is
 * one line naming the field.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { runHarness } from '../helpers/processes';
import { tempDir, testAddress, testClient } from '../helpers/temporal';

let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  env = { TEMPORAL_ADDRESS: testAddress(), HARNESS_OUTPUT_DIR: await tempDir('evals-out') };
});

async function suiteFile(fixtures: unknown[]): Promise<string> {
  const file = path.join(await tempDir('evals'), 'suite.yaml');
  await fs.writeFile(file, stringify({ version: 1, fixtures }));
  return file;
}

test('the default suite passes, every fixture of it', async () => {
  const result = await runHarness(['evals', '--json'], env, 180_000);
  expect(result.stderr).toBe('');
  const report = JSON.parse(result.stdout);
  const failures = report.results.filter((r: { passed: boolean }) => !r.passed);
  expect(failures).toEqual([]);
  expect(report.passed).toBeGreaterThanOrEqual(10);
  expect(result.code).toBe(0);
});

test('a fixture that must fail does fail, naming the check, and the command exits 1', async () => {
  const file = await suiteFile([
    {
      name: 'wrong-on-purpose',
      topic: 'durable agent harness',
      operator: [{ approve: {} }],
      expect: {
        status: 'rejected',
        events: { exclude: ['approval_granted'] },
        report: { exists: true, contains: ['a sentence nobody wrote'] },
      },
    },
  ]);
  const table = await runHarness(['evals', '--fixtures', file], env, 120_000);
  expect(table.code).toBe(1);
  expect(table.stdout).toMatch(/^wrong-on-purpose\s+FAIL\s+completed/m);
  expect(table.stdout).toContain('1 fixtures: 0 passed, 1 failed');
  expect(table.stdout).toContain('wrong-on-purpose: status: expected "rejected", got "completed"');
  expect(table.stdout).toContain('wrong-on-purpose: no event approval_granted: expected "absent", got "present"');
  expect(table.stdout).toContain('wrong-on-purpose: contains "a sentence nobody wrote": expected true, got false');
});

test('a malformed fixture file, or an unknown --only name, is one line naming what is wrong', async () => {
  const file = await suiteFile([{ name: 'bad', topic: 'durable agent harness', expect: { status: 'finished' } }]);
  const bad = await runHarness(['evals', '--fixtures', file], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  expect(bad.stderr).toMatch(/^harness: eval fixtures .*suite\.yaml: fixtures\.0\.expect\.status \(line \d+\): Invalid option/);

  const unknown = await runHarness(['evals', '--only', 'no-such-fixture'], env);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr.trim()).toMatch(/^harness: --only: no fixture named no-such-fixture in .*default\.yaml$/);
});

test('a fixture that cannot be played fails alone under its name; no run of the suite is left Running', async () => {
  const file = await suiteFile([
    { name: 'no-sources', topic: 'durable agent harness', sources: 'missing-sources.json', expect: { status: 'completed' } },
    // Rests at its gate: nobody plays the approver, so the suite must close the run itself.
    { name: 'left-at-gate', topic: 'durable agent harness', expect: { status: 'waiting_approval' } },
  ]);
  const result = await runHarness(['evals', '--fixtures', file, '--json'], env, 120_000);
  expect(result.code).toBe(1);
  const report = JSON.parse(result.stdout);
  expect(report.results).toEqual([
    expect.objectContaining({
      name: 'no-sources',
      passed: false,
      runId: null,
      error: expect.stringMatching(/^sources file not found: .*missing-sources\.json$/),
    }),
    expect.objectContaining({ name: 'left-at-gate', passed: true, status: 'waiting_approval' }),
  ]);
  const { client, close } = await testClient();
  try {
    const run = client.workflow.getHandle(report.results[1].runId);
    expect((await run.describe()).status.name).not.toBe('RUNNING');
  } finally {
    await close();
  }
});

describe("the seed harness's fixtures", () => {
  // The seed's own sample suite and sources, byte for byte (sample_data/evals/basic.json, sample_data/sources.json).
  const SEED_SUITE = path.join(__dirname, 'fixtures', 'seed', 'evals', 'basic.json');

  test('run as they are; every translation is a note on stderr', async () => {
    const runsDir = await tempDir('seed-evals-runs');
    const result = await runHarness(['evals', '--fixtures', SEED_SUITE, '--json', '--runs-dir', runsDir], env, 180_000);
    const report = JSON.parse(result.stdout);
    expect(report.results.filter((r: { passed: boolean }) => !r.passed)).toEqual([]);
    expect(report.results.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
      ['approval-pause-baseline', 'waiting_approval'],
      ['end-to-end-complete', 'completed'],
    ]);
    const checks = report.results[1].checks.map((c: { name: string }) => c.name);
    expect(checks).toEqual(expect.arrayContaining(['status', 'current step', 'event approval_granted', 'trace events', 'report exists']));
    expect(result.stderr.trim().split('\n')).toEqual([
      'note: approval-pause-baseline: expected_current_step "finalize_report" is "approval" here',
      'note: end-to-end-complete: expected_current_step "done" is null here',
      'note: end-to-end-complete: required event run_resumed is approval_granted here: an approval continues the run, with no resume step',
    ]);
    expect(result.code).toBe(0);
    // As the seed keeps each eval run in its runs folder.
    for (const { runId, status } of report.results) {
      const kept = JSON.parse(await fs.readFile(path.join(runsDir, runId, 'state.json'), 'utf8'));
      expect(kept.state.status).toBe(status);
    }
  });

  test('an unmapped key is named, and a seed expectation that does not hold fails', async () => {
    const dir = await tempDir('seed-evals');
    await fs.copyFile(path.join(__dirname, 'fixtures', 'seed', 'sources.json'), path.join(dir, 'sources.json'));
    const file = path.join(dir, 'suite.json');
    const wrong = { name: 'Too Many Events', topic: 'approval gated harness', source_file: 'sources.json', min_trace_events: 500 };
    await fs.writeFile(file, JSON.stringify([{ ...wrong, policy_file: 'strict.json' }]));
    const result = await runHarness(['evals', '--fixtures', file], env, 120_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('note: Too Many Events: policy_file is not a seed fixture key this harness maps; ignored\n');
    expect(result.stderr).toContain('note: Too Many Events: named "too-many-events" here (lower-case letters, digits and "-")\n');
    expect(result.stdout).toMatch(/too-many-events: trace events: expected ">= 500", got \d+/);
  });
});
