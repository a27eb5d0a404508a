/**
 * The seed harness's JSON policies become our YAML: what maps is mapped, everything else is named
 * in a note; the result loads as a policy, and a run under the restrictive one is denied its write,
 * as it is in the seed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { importSeedPolicy } from '../../src/config/seed-policy';
import { toolPolicy } from '../../src/shared/policy';
import { tempDir } from '../helpers/temporal';
import { useCliTestBed } from '../helpers/test-bed';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = async (name: string) => JSON.parse(await fs.readFile(path.join(FIXTURES, name), 'utf8'));
const bed = useCliTestBed('seed-policy');

test('an open seed policy: tools renamed, approvals and write roots carried over, the rest named', async () => {
  const { policy, notes } = importSeedPolicy(await fixture('seed-policy-open.json'), 'seed-policy-open.json');
  expect(toolPolicy(policy, 'search_sources')).toMatchObject({ enabled: true, approval: 'never' });
  expect(toolPolicy(policy, 'draft_report').approval).toBe('required');
  expect(toolPolicy(policy, 'finalize_report')).toMatchObject({
    approval: 'required',
    writeRoots: ['reports', '.'],
    rules: [{ deny: 'path_outside_roots' }],
  });
  expect(notes).toEqual(['tool_policies.flaky_echo: no such tool in this harness; not mapped']);
});

test('a restrictive seed policy: a write root outside the runs folder disables the write; unknown fields are named', async () => {
  const { policy, notes } = importSeedPolicy(await fixture('seed-policy-restrictive.json'), 'r.json');
  expect(toolPolicy(policy, 'finalize_report').enabled).toBe(false);
  expect(notes).toEqual([
    'owner: not a seed policy field we know; ignored',
    "tool_policies.search_mock.action_category: transform cannot change search_sources's category (read_only, fixed by the tool registry)",
    'tool_policies.search_mock.cache: not a seed tool field we know; ignored',
    "tool_policies.finalize_report: write root /srv/elsewhere lies outside the seed's runs folder; this harness writes only under its output root (HARNESS_OUTPUT_DIR)",
    'tool_policies.finalize_report: no write root maps, so the tool is disabled (the seed would deny every report write)',
  ]);
});

test('policy --import writes YAML that loads, and a run under the restrictive import fails on its write', async () => {
  const dir = await tempDir('seed-import');
  const imported = await bed.harness('policy', '--import', path.join(FIXTURES, 'seed-policy-restrictive.json'));
  expect(imported.code).toBe(0);
  expect(imported.stderr).toMatch(/^note: owner: not a seed policy field we know/m);
  const file = path.join(dir, 'imported.yaml');
  await fs.writeFile(file, imported.stdout);
  expect((await bed.harness('policy', '--file', file)).stdout).toMatch(/^policy imported-seed-policy-restrictive /);

  const started = await bed.harness('start', '--topic', 'durable agent harness', '--policy', file, '--wait');
  expect(started.code).toBe(1);
  expect(started.stdout).toMatch(/failed: .*finalize_report.*disabled/);

  for (const [content, error] of [
    ['{ not json', /not valid JSON/],
    ['{"tool_policies": {"finalize_report": {"enabled": "yes"}}}', /tool_policies\.finalize_report\.enabled/],
  ] as const) {
    await fs.writeFile(path.join(dir, 'bad.json'), content);
    const bad = await bed.harness('policy', '--import', path.join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(error);
  }
});
