/** The one-report invariant: exactly one complete file whose sha256 is the approved digest. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export async function expectSingleApprovedReport(outputRoot: string, runId: string, digest: string): Promise<void> {
  const dir = path.join(outputRoot, runId);
  expect(await fs.readdir(dir)).toEqual(['final_report.md']);
  const content = await fs.readFile(path.join(dir, 'final_report.md'));
  expect(createHash('sha256').update(content).digest('hex')).toBe(digest);
}
