/**
 * The one safe writer and the one regular-file reader on a real file system: confinement, links,
 * FIFOs, bounds, nothing left behind by a failed write, and messages that never quote a file.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { readVerifiedReport } from '../../src/client/api/report-file';
import { parseJsonText, readRegularFile } from '../../src/files/read-regular-file';
import { nameTooLong, writeFileInside } from '../../src/files/write-file-inside';
import { tempDir } from '../helpers/temporal';

const exec = promisify(execFile);

describe('writeFileInside', () => {
  test('writes whole files under the root, replaces or refuses to replace as asked', async () => {
    const root = await tempDir('write');
    const file = await writeFileInside(root, 'a/b/c.json', '{"v":1}\n');
    expect(file).toBe(path.join(root, 'a', 'b', 'c.json'));
    await writeFileInside(root, 'a/b/c.json', '{"v":2}\n');
    expect(await fs.readFile(file, 'utf8')).toBe('{"v":2}\n');
    await expect(writeFileInside(root, 'a/b/c.json', 'other', { replace: false })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await fs.readFile(file, 'utf8')).toBe('{"v":2}\n');
    expect(await fs.readdir(path.dirname(file))).toEqual(['c.json']);
  });

  test.each(['/etc/x', '../x', 'a/../../x', ''])('refuses %j: outside the root', async (relative) => {
    const root = await tempDir('write-out');
    await expect(writeFileInside(root, relative, 'x')).rejects.toThrow(/refusing to write outside/);
  });

  test('a symbolic link anywhere below the root, or in place of the file, redirects nothing', async () => {
    const root = await tempDir('write-links');
    const elsewhere = await tempDir('write-elsewhere');
    await fs.symlink(elsewhere, path.join(root, 'linked'));
    await expect(writeFileInside(root, 'linked/f.json', 'x')).rejects.toThrow(/symbolic link/);
    await fs.mkdir(path.join(root, 'real'));
    await fs.symlink(path.join(elsewhere, 'victim'), path.join(root, 'real', 'f.json'));
    await expect(writeFileInside(root, 'real/f.json', 'x')).rejects.toThrow(/not a regular file/);
    expect(await fs.readdir(elsewhere)).toEqual([]);
  });

  test('a write that fails part way (EFBIG under `ulimit -f`) leaves no temporary file; finalize_report says it is for good', async () => {
    const root = await tempDir('efbig');
    const markdown = `# Report\n\n${'x'.repeat(8_000)}\n`;
    const sha256 = createHash('sha256').update(markdown).digest('hex');
    const script = `
      const { finalizeReport } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/activities/finalize-report.js'))});
      finalizeReport(process.argv[1])({ runId: 'r1', markdown: process.argv[2], sha256: process.argv[3] }).then(
        () => console.log(JSON.stringify({ ok: true })),
        (e) => console.log(JSON.stringify({ type: e.type, nonRetryable: e.nonRetryable, message: e.message })),
      );`;
    const { stdout } = await exec('bash', ['-c', 'ulimit -f 4; exec node -e "$0" "$@"', script, root, markdown, sha256]);
    expect(JSON.parse(stdout)).toMatchObject({ type: 'FileSystemRefused', nonRetryable: true, message: expect.stringMatching(/EFBIG/) });
    expect(await fs.readdir(path.join(root, 'r1'))).toEqual([]);
  });

  test('nameTooLong: a name no file system here takes is said before anything runs', () => {
    expect(nameTooLong('reports/ok.md')).toBeNull();
    expect(nameTooLong(`${'x'.repeat(214)}`)).toBeNull();
    expect(nameTooLong(`${'x'.repeat(215)}`)).toMatch(/is 215 bytes; a file name here is at most 214/);
    expect(nameTooLong(`${'d'.repeat(256)}/r.md`)).toMatch(/a folder name here is at most 255/);
  });
});

describe('readRegularFile', () => {
  test('reads a regular file; refuses a folder, a FIFO (without blocking), a link when told, and a file past its bound', async () => {
    const dir = await tempDir('read');
    const file = path.join(dir, 'f.json');
    await fs.writeFile(file, '{"a":1}', { mode: 0o640 });
    expect(await readRegularFile(file, { what: 'thing', maxBytes: 100 })).toMatchObject({ text: '{"a":1}', mode: 0o640 });
    await expect(readRegularFile(dir, { what: 'thing', maxBytes: 100 })).rejects.toThrow(/is a folder/);
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(readRegularFile(fifo, { what: 'thing', maxBytes: 100 })).rejects.toThrow(/not a regular file/);
    await fs.symlink(file, path.join(dir, 'link'));
    await expect(readRegularFile(path.join(dir, 'link'), { what: 'thing', maxBytes: 100, followLink: false })).rejects.toThrow(
      /a symbolic link, which is not followed here/,
    );
    expect((await readRegularFile(path.join(dir, 'link'), { what: 'thing', maxBytes: 100 })).text).toBe('{"a":1}');
    await expect(readRegularFile(file, { what: 'thing', maxBytes: 3 })).rejects.toThrow(/7 bytes, at most 3/);
    await expect(readRegularFile(path.join(dir, 'gone'), { what: 'thing', maxBytes: 3 })).rejects.toThrow(/^thing not found: /);
  });

  test('parseJsonText never quotes the text', () => {
    expect(() => parseJsonText('root:x:0:0:root:/root:/bin/bash', 'state.json')).toThrow(/^state\.json: not valid JSON/);
    expect(() => parseJsonText('root:x:0:0:root:/root:/bin/bash', 'state.json')).not.toThrow(/root:x/);
    expect(() => parseJsonText('[1,', 'f')).toThrow(/^f: not valid JSON \(it ends too early\)$/);
  });
});

describe('readVerifiedReport: a report is read only where it belongs and as approved', () => {
  test('under the root with the approved digest: read; elsewhere, through a link, or other bytes: refused', async () => {
    const root = await tempDir('report-root');
    const text = '# Report\n';
    const digest = createHash('sha256').update(text).digest('hex');
    const file = await writeFileInside(root, 'r1/final_report.md', text);
    expect(await readVerifiedReport({ path: file, sha256: digest }, root)).toBe(text);
    await expect(readVerifiedReport({ path: '/etc/passwd', sha256: digest }, root)).rejects.toThrow(/not under this machine's output root/);
    await expect(readVerifiedReport({ path: path.join(root, '../x.md'), sha256: digest }, root)).rejects.toThrow(/not under/);
    await expect(readVerifiedReport({ path: file, sha256: 'f'.repeat(64) }, root)).rejects.toThrow(/not the approved digest/);
    const outside = await tempDir('report-outside');
    await fs.writeFile(path.join(outside, 'final_report.md'), text);
    await fs.symlink(outside, path.join(root, 'r2'));
    await expect(readVerifiedReport({ path: path.join(root, 'r2', 'final_report.md'), sha256: digest }, root)).rejects.toThrow(
      /is not a folder \(or is a symbolic link\)/,
    );
    await fs.mkdir(path.join(root, 'r3'));
    await fs.symlink('/etc/hostname', path.join(root, 'r3', 'final_report.md'));
    await expect(readVerifiedReport({ path: path.join(root, 'r3', 'final_report.md'), sha256: digest }, root)).rejects.toThrow(
      /symbolic link/,
    );
  });
});
