/** finalize_report on a real filesystem: atomic, idempotent, confined to the output root. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createActivities } from '../../src/activities';
import { offlineProvider } from '../../src/activities/model/offline-provider';
import { tempDir } from '../helpers/temporal';

const markdown = '# Report: t\n\n## Key Findings\n\n- a\n\n## Harness Notes\n\n- b\n';
const digest = createHash('sha256').update(markdown).digest('hex');

async function setup() {
  const root = await tempDir('finalize');
  return { root, tools: createActivities({ outputRoot: root, model: offlineProvider }) };
}

test('writes the report once; a repeat call is a no-op; stale temp files are removed', async () => {
  const { root, tools } = await setup();
  const dir = path.join(root, 'run-1');
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'final_report.md.dead-attempt.tmp'), 'half a rep');

  const first = await tools.finalize_report({ runId: 'run-1', markdown, sha256: digest });
  const { mtimeMs } = await fs.stat(first.path);
  const second = await tools.finalize_report({ runId: 'run-1', markdown, sha256: digest });

  expect(second).toEqual(first);
  // The activity also says which attempt answered (outside an activity: 1).
  expect(first).toEqual({ path: path.join(dir, 'final_report.md'), bytes: Buffer.byteLength(markdown), sha256: digest, attempt: 1 });
  expect(await fs.readdir(dir)).toEqual(['final_report.md']);
  expect(await fs.readFile(first.path, 'utf8')).toBe(markdown);
  expect((await fs.stat(first.path)).mtimeMs).toBe(mtimeMs);
});

test('refuses a run id that would write outside the output root', async () => {
  const { tools } = await setup();
  await expect(tools.finalize_report({ runId: '../escape', markdown, sha256: digest })).rejects.toMatchObject({
    type: 'OutputPathRefused',
    nonRetryable: true,
  });
  await expect(tools.finalize_report({ runId: 'ok', relativePath: '/etc/report.md', markdown, sha256: digest })).rejects.toMatchObject({
    type: 'OutputPathRefused',
  });
  await expect(tools.finalize_report({ runId: 'ok', relativePath: 'a/../../b.md', markdown, sha256: digest })).rejects.toMatchObject({
    type: 'OutputPathRefused',
  });
});

test('refuses content that does not match the approved digest', async () => {
  const { root, tools } = await setup();
  await expect(tools.finalize_report({ runId: 'run-2', markdown: markdown + 'tampered', sha256: digest })).rejects.toMatchObject({
    type: 'DigestMismatch',
    nonRetryable: true,
  });
  await expect(fs.readdir(path.join(root, 'run-2'))).rejects.toThrow();
});

test('a contract violation is non-retryable and names the offending field', async () => {
  const { tools } = await setup();
  await expect(tools.finalize_report({ runId: 'run-3', markdown, sha256: 'nope' })).rejects.toMatchObject({
    type: 'InvalidToolInput',
    nonRetryable: true,
    message: expect.stringMatching(/^finalize_report: invalid input: sha256: /),
  });
  await expect(tools.search_sources({ topic: 'ok topic', sources: [] })).rejects.toMatchObject({
    message: expect.stringMatching(/search_sources: invalid input: sources: /),
  });
});

test.each([
  ['the run folder', 'link-run/final_report.md', 'link-run'],
  ['a folder deeper down', 'reports/link/r1/final_report.md', 'reports/link'],
  ['the first folder', 'link/r1/final_report.md', 'link'],
])('a symbolic link at %s never lets the report out of the output root', async (_where, relativePath, linkAt) => {
  const { root, tools } = await setup();
  const elsewhere = await tempDir('elsewhere');
  await fs.mkdir(path.dirname(path.join(root, linkAt)), { recursive: true });
  await fs.symlink(elsewhere, path.join(root, linkAt));
  await expect(tools.finalize_report({ runId: 'r1', relativePath, markdown, sha256: digest })).rejects.toMatchObject({
    type: 'OutputPathRefused',
    nonRetryable: true,
    message: expect.stringMatching(/refusing to write through a symbolic link/),
  });
  expect(await fs.readdir(elsewhere, { recursive: true })).toEqual([]);
});

test('a symbolic link in place of the report is refused, not followed', async () => {
  const { root, tools } = await setup();
  const target = path.join(await tempDir('elsewhere'), 'victim.md');
  await fs.writeFile(target, 'precious');
  await fs.mkdir(path.join(root, 'r2'));
  await fs.symlink(target, path.join(root, 'r2', 'final_report.md'));
  await expect(tools.finalize_report({ runId: 'r2', markdown, sha256: digest })).rejects.toMatchObject({ type: 'OutputPathRefused' });
  expect(await fs.readFile(target, 'utf8')).toBe('precious');
});

test('an approved report is never replaced by other bytes (a reused run id, a shared path)', async () => {
  const { root, tools } = await setup();
  await tools.finalize_report({ runId: 'reuse', markdown, sha256: digest });
  const other = `${markdown}\n- another run's finding\n`;
  const otherDigest = createHash('sha256').update(other).digest('hex');
  await expect(tools.finalize_report({ runId: 'reuse', markdown: other, sha256: otherDigest })).rejects.toMatchObject({
    type: 'ReportExists',
    nonRetryable: true,
    message: expect.stringMatching(/a different report already exists at .*reuse\/final_report\.md \(sha256 [0-9a-f]{12}…\)/),
  });
  expect(await fs.readFile(path.join(root, 'reuse', 'final_report.md'), 'utf8')).toBe(markdown);
});
