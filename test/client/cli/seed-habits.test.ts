/**
 * What a user of the seed harness (67ailab/harness-engineering) types keeps working: `mcp-tools`
 * and `mcp-call` with the seed's output shapes and exit codes, `--pretty`, and `--runs-dir` on
 * `start`, `approve`, `workflow`, `blueprint` and `policy`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { uniqueName } from '../../helpers/temporal';
import { useCliTestBed } from '../../helpers/test-bed';

const bed = useCliTestBed('seed-habits');

test('mcp-tools prints {"tools": [...]} on one line, indented with --pretty', async () => {
  const compact = await bed.harness('mcp-tools');
  expect({ code: compact.code, stderr: compact.stderr }).toEqual({ code: 0, stderr: '' });
  expect(compact.stdout.trimEnd().split('\n')).toHaveLength(1);
  const pretty = await bed.harness('mcp-tools', '--pretty');
  expect(pretty.stdout.split('\n').length).toBeGreaterThan(50);
  const tools = JSON.parse(compact.stdout).tools as { name: string; inputSchema: object }[];
  expect(JSON.parse(pretty.stdout)).toEqual({ tools });
  expect(tools.map((t) => t.name)).toContain('finalize_report');
});

test("mcp-call TOOL ARGS_JSON answers in the seed's shape: exit 0, or exit 1 when isError (a gate included)", async () => {
  const args = { topic: 'durable harness', sources: [{ title: 'Durable runs', content: 'A durable harness survives a crash.' }] };
  const ok = await bed.harness('mcp-call', 'search_sources', JSON.stringify(args));
  expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
  const answer = JSON.parse(ok.stdout);
  expect(answer).toMatchObject({ tool: 'search_sources', isError: false, structuredContent: { matches: [{ title: 'Durable runs' }] } });
  expect(JSON.parse(answer.content[0].text)).toEqual(answer.structuredContent);

  for (const [tool, json, message] of [
    ['drop_tables', '{}', /^unknown tool "drop_tables"/],
    ['search_sources', '{"topic":"x"}', /^invalid arguments for search_sources: topic: /],
    ['plan_run', '{topic', /^ARGUMENTS_JSON: not JSON/],
  ] as const) {
    const refused = await bed.harness('mcp-call', tool, json);
    expect(refused.code).toBe(1);
    const { isError, structuredContent } = JSON.parse(refused.stdout);
    expect(isError).toBe(true);
    expect(structuredContent.error).toMatch(message);
  }

  // Unlike the seed, the write is under the policy: it stops at its gate, named as the run to decide.
  const markdown = '# Report\n';
  const write = { runId: 'seed-mcp-call', markdown, sha256: 'a'.repeat(64) };
  const gatedId = uniqueName('seed-call-gated');
  const gated = await bed.harness('mcp-call', 'finalize_report', JSON.stringify(write), '--id', gatedId);
  expect(gated.code).toBe(1);
  expect(JSON.parse(gated.stdout)).toMatchObject({
    tool: 'finalize_report',
    isError: true,
    structuredContent: { runId: gatedId, status: 'waiting_approval' },
  });
  await expect(fs.stat(path.join(bed.outputRoot, 'seed-mcp-call'))).rejects.toThrow();
});

test('workflow, blueprint and policy take --pretty (JSON) and --runs-dir (the output root they describe)', async () => {
  for (const command of ['workflow', 'blueprint', 'policy']) {
    const result = await bed.harness(command, '--pretty', '--runs-dir', bed.dir);
    expect({ command, code: result.code, stderr: result.stderr }).toEqual({ command, code: 0, stderr: '' });
    expect(typeof JSON.parse(result.stdout)).toBe('object');
  }
  const blueprint = JSON.parse((await bed.harness('blueprint', '--runs-dir', '/srv/runs')).stdout);
  expect(blueprint.artifacts).toContainEqual({ what: 'the approved report', where: '/srv/runs/<run id>/final_report.md' });
  expect(JSON.parse((await bed.harness('policy', '--pretty', '--runs-dir', bed.dir)).stdout).outputRoot).toBe(bed.dir);
  expect((await bed.harness('policy', '--runs-dir', bed.dir)).stdout).toContain(`root   ${bed.dir} (write roots are under it)`);
});

test("start --runs-dir returns once the run stops, with the seed's files in <dir>/<id>/", async () => {
  const runsDir = path.join(bed.dir, 'runs');
  const id = uniqueName('seed-runs-dir');
  const started = await bed.harness('start', '--topic', 'seed runs folder', '--id', id, '--runs-dir', runsDir);
  expect(started.code).toBe(0);
  expect(started.stdout).toBe(`${id}\n`);
  expect(started.stderr).toBe(`waiting_approval: the run's files are in ${path.join(runsDir, id)}\n`);
  const files = (await fs.readdir(path.join(runsDir, id))).sort();
  expect(files).toEqual(['memory.json', 'state.json', 'summary.json', 'trace.json', 'trace_summary.json']);
  // Read back with no server, as the seed reads its runs folder.
  const summary = await bed.harness('summary', '--latest', '--runs-dir', runsDir);
  expect(summary.stdout).toMatch(/^status: +waiting_approval \(step: approval\)$/m);

  // approve --runs-dir: the folder follows the run, as the seed rewrites it.
  expect((await bed.harness('pending', id)).code).toBe(0);
  const approved = await bed.harness('approve', id, '--runs-dir', runsDir);
  expect(approved.code).toBe(0);
  expect(approved.stderr).toBe(`completed: the run's files are in ${path.join(runsDir, id)}\n`);
  const state = JSON.parse(await fs.readFile(path.join(runsDir, id, 'state.json'), 'utf8'));
  expect(state.state).toMatchObject({ status: 'completed', artifacts: { report: { bytes: expect.any(Number) } } });
});
