/**
 * The report a run's history names, read only after checking it: the path is under this machine's
 * output root with no symbolic link on the way, it is a regular file, and its sha256 is the
 * approved digest. A history is what whoever completed an activity said it is; nothing here reads
 * a file because history names it.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileRefusedError } from '../../files/file-refused';
import { readRegularFile } from '../../files/read-regular-file';
import { HarnessError } from './harness-error';

/** A report is markdown of at most 100,000 characters (finalize_report's contract): 4 bytes each at most. */
const MAX_REPORT_BYTES = 400_000;

export interface ReportArtifact {
  path: string;
  sha256: string;
}

/** The report's text, or a HarnessError saying which check it failed. */
export async function readVerifiedReport(report: ReportArtifact, outputRoot: string): Promise<string> {
  const file = await fileUnderRoot(report.path, outputRoot);
  let text: string;
  try {
    ({ text } = await readRegularFile(file, { what: 'report', maxBytes: MAX_REPORT_BYTES, followLink: false }));
  } catch (err) {
    throw new HarnessError(err instanceof FileRefusedError ? err.message : `report ${file}: cannot be read`);
  }
  if (createHash('sha256').update(text).digest('hex') !== report.sha256)
    throw new HarnessError(`report ${file}: its sha256 is not the approved digest ${report.sha256.slice(0, 12)}…; not served`);
  return text;
}

/** Whether the named report is here and is the approved one: what `trace-summary` may call "present on this machine". */
export async function verifiedOnThisMachine(report: ReportArtifact | undefined | null, outputRoot: string): Promise<boolean | null> {
  if (!report) return null;
  return readVerifiedReport(report, outputRoot).then(
    () => true,
    () => false,
  );
}

/** The path, when it lies under the output root and no folder between them is a symbolic link. */
async function fileUnderRoot(file: string, outputRoot: string): Promise<string> {
  const root = path.resolve(outputRoot);
  const realRoot = await fs.realpath(root).catch(() => null);
  const inside = [root, realRoot].filter((r): r is string => r !== null).map((r) => path.relative(r, path.resolve(file)));
  const relative = inside.find((r) => r !== '' && !r.startsWith('..') && !path.isAbsolute(r));
  if (!path.isAbsolute(file) || relative === undefined || !realRoot)
    throw new HarnessError(`report ${JSON.stringify(file.slice(0, 200))} is not under this machine's output root ${root}; not read`);
  let dir = realRoot;
  for (const part of path
    .dirname(relative)
    .split(path.sep)
    .filter((p) => p && p !== '.')) {
    dir = path.join(dir, part);
    const stat = await fs.lstat(dir).catch(() => null);
    if (!stat?.isDirectory()) throw new HarnessError(`report ${file}: ${dir} is not a folder (or is a symbolic link); not read`);
  }
  return path.join(realRoot, relative);
}
