/**
 * Terminal rendering of untrusted text: a topic, a source title and a reason full of escape
 * sequences reach every read command, and none prints a raw control character.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../../src/client/api/wait-for';
import { safeJson, safeText } from '../../../src/client/cli/terminal';
import { HARNESS_BIN } from '../../helpers/processes';
import { useCliTestBed } from '../../helpers/test-bed';

const bed = useCliTestBed('terminal');
/** Clear screen, set the window title, a CSI in its 8-bit form, and a right-to-left override. */
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eevil';
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

test('safeText shows control characters as visible escapes and keeps lines', () => {
  expect(safeText(`a${HOSTILE}\nb\tc`)).toBe('a\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202eevil\nb\tc');
  expect(JSON.parse(safeJson({ t: HOSTILE }))).toEqual({ t: HOSTILE });
  expect(safeJson({ t: HOSTILE })).not.toMatch(RAW_CONTROL);
});

test('status, pending, inbox, list, trace and watch never print a raw escape from the run', async () => {
  const sources = path.join(bed.dir, 'sources.json');
  await fs.writeFile(
    sources,
    JSON.stringify([
      { title: `Durable agent harness ${HOSTILE}`, content: 'A durable agent harness records every step of the agent harness durably.' },
    ]),
  );
  const started = await bed.harness('start', '--topic', `durable agent harness ${HOSTILE}`, '--sources', sources);
  expect(started.code).toBe(0);
  const id = started.stdout.trim();
  await waitFor(async () => (await bed.harness('status', id, '--json')).stdout.includes('"waiting_approval"'), {
    timeoutMs: 30_000,
    what: `${id} at the gate`,
  });
  const outputs = await Promise.all([
    bed.harness('status', id),
    bed.harness('status', id, '--json'),
    bed.harness('pending', id),
    bed.harness('inbox', '--page-size', '1000'),
    bed.harness('list', '--page-size', '1000'),
    bed.harness('trace', id),
    bed.harness('watch', id),
  ]);
  for (const output of outputs) {
    expect(output.stdout + output.stderr).not.toMatch(RAW_CONTROL);
  }
  expect(outputs[0].stdout).toContain('durable agent harness \\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202eevil');

  await bed.harness('reject', id, '--reason', `no ${HOSTILE}`);
  const status = await bed.harness('status', id);
  expect(status.stdout).toMatch(/decision: +rejected by tester \(no \\u001b\[2J/);
  expect(status.stdout).not.toMatch(RAW_CONTROL);
});

test('a name with a control character is refused at the door', async () => {
  const refused = await bed.harness('start', '--topic', 'durable agent harness', '--as', 'eve\u001b[2J');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/^harness: invalid identity ".*": must not contain control characters\n$/);
  expect(refused.stderr).not.toMatch(RAW_CONTROL);
});

test('a reader that closes the pipe (| head) ends the command quietly, with no stack trace', async () => {
  const child = spawn(process.execPath, [HARNESS_BIN, 'mcp', 'tools'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // Close our end before it writes, as a `head` that has read enough does.
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
});
