/**
 * `harness interactive` as a user drives it: the whole draft on screen, then yes (the report is
 * written, byte for byte what was shown) or no (the run stays at its gate, as in the seed).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { CliResult, HARNESS_BIN } from '../../helpers/processes';
import { useCliTestBed } from '../../helpers/test-bed';

const bed = useCliTestBed('interactive');

/** The built bin with `input` typed on its stdin, then end of input. */
function interactive(input: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARNESS_BIN, 'interactive', '--topic', 'durable agent harness', ...args], {
      env: { ...process.env, ...bed.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const runIdIn = (stdout: string) => /^run (\S+) started/m.exec(stdout)![1];

test('yes approves what was shown and ends with the report path', async () => {
  const result = await interactive('y\n');
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const shown = /={60}\n([\s\S]*?)={60}\n/.exec(result.stdout)![1];
  const reportPath = /^completed: (.+)$/m.exec(result.stdout)![1];
  expect(await fs.readFile(reportPath, 'utf8')).toBe(shown);
  expect(shown).toMatch(/^# Report: durable agent harness/);
});

test('no (or no answer at all) leaves the run waiting at its gate and says how to decide later', async () => {
  for (const input of ['n\n', '']) {
    const result = await interactive(input);
    expect(result.code).toBe(2);
    const id = runIdIn(result.stdout);
    expect(result.stdout).toContain(`left waiting at its gate; nothing was written. Later:\n  harness approve ${id} --digest `);
    const status = JSON.parse((await bed.harness('status', id, '--json')).stdout);
    expect(status).toMatchObject({ status: 'waiting_approval', pendingAction: { tool: 'finalize_report' } });
    expect(status.artifacts.report).toBeUndefined();
  }
});
