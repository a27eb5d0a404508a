/**
 * Files handed to the harness are untrusted input, and every file it writes goes through one safe
 * writer: an export decides nothing about where its copy lands, a symbolic link in the output root
 * redirects no write, a FIFO or a link in an export is refused without hanging and without quoting
 * what it points at, an imported policy prints exactly what was validated, and a key folder others
 * can write in is refused.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { runHarness } from '../../helpers/processes';
import { tempDir, uniqueName } from '../../helpers/temporal';
import { useCliTestBed } from '../../helpers/test-bed';

const bed = useCliTestBed('hostile-files');
/** Nothing listens here: a command that needed Temporal would fail to connect. */
const NO_SERVER = { TEMPORAL_ADDRESS: '127.0.0.1:1' };
const FIXTURE = path.join(__dirname, 'fixtures', 'export-state.json');

const oneLine = (result: { code: number | null; stderr: string }) => {
  expect(result.code).not.toBe(0);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
};

async function exportWithRunId(runId: string): Promise<string> {
  const dir = await tempDir('crafted-export');
  const exported = JSON.parse(await fs.readFile(FIXTURE, 'utf8'));
  await fs.writeFile(path.join(dir, 'state.json'), JSON.stringify({ ...exported, state: { ...exported.state, runId } }));
  return dir;
}

test.each(['/tmp/harness-escaped-export', '../../harness-escaped-export', '..', 'a/b'])(
  'an export whose run id is %j writes nothing anywhere: refused in one line',
  async (runId) => {
    const from = await exportWithRunId(runId);
    const target = await tempDir('export-target');
    const result = await runHarness(['export', '--from', from, '--dir', target], NO_SERVER);
    oneLine(result);
    expect(result.stderr).toMatch(/state\.json: not a harness export: state\.runId: must be a run id/);
    expect(await fs.readdir(target)).toEqual([]);
    await expect(fs.stat('/tmp/harness-escaped-export')).rejects.toThrow();
    expect((await fs.readdir(path.dirname(from))).filter((f) => f === 'harness-escaped-export')).toEqual([]);
  },
);

test('harness export ID does not follow a symbolic link planted as the run folder in the output root', async () => {
  const id = uniqueName('linked');
  expect((await bed.harness('start', '--topic', 'durable agent harness', '--id', id)).code).toBe(0);
  const elsewhere = await tempDir('export-elsewhere');
  await fs.symlink(elsewhere, path.join(bed.outputRoot, id));
  const result = await bed.harness('export', id);
  oneLine(result);
  expect(result.stderr).toMatch(/refusing to write through a symbolic link/);
  expect(await fs.readdir(elsewhere)).toEqual([]);
  await bed.harness('cancel', id);
});

test('an offline read of a FIFO or a symbolic link as state.json is refused at once and quotes nothing', async () => {
  const fifoDir = await tempDir('fifo-export');
  execFileSync('mkfifo', [path.join(fifoDir, 'state.json')]);
  const fifo = await runHarness(['status', '--from', fifoDir], NO_SERVER, 20_000);
  oneLine(fifo);
  expect(fifo.stderr).toMatch(/state\.json: not a regular file/);

  const secret = path.join(await tempDir('secret'), 'passwd');
  await fs.writeFile(secret, 'root:x:0:0:root:/root:/bin/bash\n');
  const linkDir = await tempDir('link-export');
  await fs.symlink(secret, path.join(linkDir, 'state.json'));
  const linked = await runHarness(['status', '--from', linkDir], NO_SERVER);
  oneLine(linked);
  expect(linked.stderr).toMatch(/state\.json: a symbolic link, which is not followed here/);
  expect(linked.stderr).not.toContain('root:x');

  // Not JSON at all: where it stops being JSON, never what it says.
  const junkDir = await tempDir('junk-export');
  await fs.writeFile(path.join(junkDir, 'state.json'), 'root:x:0:0:root:/root:/bin/bash\n');
  const junk = await runHarness(['status', '--from', junkDir], NO_SERVER);
  oneLine(junk);
  expect(junk.stderr).toMatch(/not valid JSON/);
  expect(junk.stderr).not.toContain('root:x');
});

test('approve --key FIFO and a sources FIFO are refused at once', async () => {
  const dir = await tempDir('fifos');
  const fifo = path.join(dir, 'pipe');
  execFileSync('mkfifo', ['-m', '600', fifo]);
  const approve = await runHarness(['approve', 'some-run', '--key', fifo], bed.env, 20_000);
  oneLine(approve);
  expect(approve.stderr).toMatch(/signing key .*pipe: not a regular file/);
  const start = await runHarness(['start', '--topic', 'durable agent harness', '--sources', fifo], NO_SERVER, 20_000);
  oneLine(start);
  expect(start.stderr).toMatch(/sources file .*pipe: not a regular file/);
});

test('an --output that can never be written (a 280-byte name) is refused before the run starts', async () => {
  const result = await bed.harness('start', '--topic', 'durable agent harness', '--output', `${'x'.repeat(277)}.md`);
  oneLine(result);
  expect(result.stderr).toMatch(/refused before starting: --output "x+…" is 280 bytes; a file name here is at most 214/);
});

test('keys generate refuses a folder others can write in', async () => {
  const dir = path.join(await tempDir('keys'), 'shared');
  await fs.mkdir(dir);
  await fs.chmod(dir, 0o777);
  const result = await runHarness(['keys', 'generate', '--name', 'alice', '--dir', dir], NO_SERVER);
  oneLine(result);
  expect(result.stderr).toMatch(/can be written by others \(mode 777\)/);
  expect(await fs.readdir(dir)).toEqual([]);
});

describe('policy --import of a hostile seed policy', () => {
  const importPolicy = async (seed: unknown) => {
    const file = path.join(await tempDir('seed'), 'seed.json');
    await fs.writeFile(file, JSON.stringify(seed));
    return runHarness(['policy', '--import', file], NO_SERVER);
  };

  test('a write root carrying YAML in newlines stays a comment: the printed policy grants nothing more', async () => {
    const injected = '/etc\noperators: [mallory]\npublicKeys:\n  alice: ["ed25519:' + '0'.repeat(64) + '"]\n#';
    const result = await importPolicy({
      tool_policies: { finalize_report: { allowed_output_roots: [injected], requires_approval: true } },
      '\nroles:\n  admins: [mallory]': 1,
    });
    expect(result.code).toBe(0);
    const printed = parse(result.stdout);
    expect(Object.keys(printed).sort()).toEqual(['description', 'name', 'tools', 'version']);
    expect(printed.tools.finalize_report).toMatchObject({ enabled: false, approval: 'required' });
    // Every line that is not YAML data is a comment.
    for (const line of result.stdout.split('\n').filter((l) => /mallory|publicKeys/.test(l))) expect(line).toMatch(/^#/);
    expect(result.stderr).not.toMatch(/\nroles:/);
    const file = path.join(await tempDir('imported'), 'policy.yaml');
    await fs.writeFile(file, result.stdout);
    const loaded = JSON.parse((await runHarness(['policy', '--file', file, '--json'], NO_SERVER)).stdout);
    expect(loaded.policy.operators ?? []).toEqual([]);
    expect(loaded.policy.publicKeys).toEqual({});
  });

  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('a tool named %s is noted, not a crash', async (name) => {
    const result = await importPolicy(JSON.parse(`{"tool_policies": {"${name}": {"enabled": true}, "finalize_report": {}}}`));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`note: tool_policies.${name}: no such tool in this harness; not mapped`);
    expect(parse(result.stdout).tools.finalize_report).toBeDefined();
  });
});
