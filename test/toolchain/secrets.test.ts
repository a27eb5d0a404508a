/**
 * `npm run secrets`: secretlint's recommended rules over every tracked file. The repository is
 * clean, and the same command finds a token planted in a tracked file of a scratch repository.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/temporal';

const REPO = path.resolve(__dirname, '../..');
const run = promisify(execFile);

async function secrets(cwd: string): Promise<{ code: number; output: string }> {
  const script = JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')).scripts.secrets as string;
  const env = { ...process.env, PATH: `${path.join(REPO, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}` };
  try {
    const { stdout, stderr } = await run('sh', ['-c', script], { cwd, env });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

test('the tracked files hold no secret', async () => {
  const result = await secrets(REPO);
  expect(result).toEqual({ code: 0, output: expect.not.stringContaining('error') });
});

test('a token in a tracked file is found, and not printed', async () => {
  const dir = await tempDir('secrets');
  // Built here so that this test file itself stays clean.
  const token = ['gh', 'p_', 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'].join('');
  await fs.writeFile(path.join(dir, 'config.js'), `const token = "${token}";\n`);
  await fs.copyFile(path.join(REPO, '.secretlintrc.json'), path.join(dir, '.secretlintrc.json'));
  await run('git', ['init', '-q'], { cwd: dir });
  await run('git', ['add', '.'], { cwd: dir });
  const result = await secrets(dir);
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('GITHUB_TOKEN');
  expect(result.output).not.toContain(token);
});
