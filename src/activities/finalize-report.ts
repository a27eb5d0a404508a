/**
 * finalize_report: the one side effect of a run. Atomic (temp file, fsync, rename) and
 * idempotent (an existing identical report is returned as is), so a retry or a re-execution
 * after a crash never leaves a second or a partial file. Confined where the write happens: no
 * folder on the way from the output root may be a symbolic link (at any depth), the folder written
 * in must really be under the root, and an existing different report is never replaced.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { REPORT_FILE_NAME } from '../shared/constants';
import { NON_RETRYABLE, ToolInput, ToolOutput } from '../shared/tools';
import { sha256 } from './text';

const TEMP_SUFFIX = '.tmp';

/** Resolves a report path under the output root, refusing anything that would land outside it. */
export function reportPath(outputRoot: string, relativePath: string): string {
  const root = path.resolve(outputRoot);
  const target = path.resolve(root, relativePath);
  const relative = path.relative(root, target);
  if (path.isAbsolute(relativePath) || relative.startsWith('..') || path.isAbsolute(relative) || relative === '') {
    throw ApplicationFailure.nonRetryable(`refusing to write outside the output root ${root}: ${target}`, NON_RETRYABLE.pathRefused);
  }
  return target;
}

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, NON_RETRYABLE.pathRefused);

/**
 * Creates the folders between the root and the file one at a time, refusing any that is a
 * symbolic link or not a folder: a link planted anywhere under the root cannot redirect the write.
 */
async function safeFolder(root: string, file: string): Promise<string> {
  await fs.mkdir(root, { recursive: true });
  const realRoot = await fs.realpath(root);
  let dir = realRoot;
  for (const part of path.relative(root, path.dirname(file)).split(path.sep).filter(Boolean)) {
    dir = path.join(dir, part);
    const stat = await fs.lstat(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!stat) await fs.mkdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'EEXIST' ? undefined : Promise.reject(err)));
    else if (stat.isSymbolicLink()) throw refuse(`refusing to write through a symbolic link under the output root: ${dir}`);
    else if (!stat.isDirectory()) throw refuse(`refusing to write: ${dir} is not a folder`);
  }
  return realRoot;
}

/** Checked again just before the rename: the folder written in is really under the root. */
async function assertInside(realRoot: string, file: string): Promise<void> {
  const realDir = await fs.realpath(path.dirname(file));
  if (realDir !== realRoot && !realDir.startsWith(`${realRoot}${path.sep}`)) {
    throw refuse(`refusing to write outside the output root ${realRoot}: ${realDir}`);
  }
  const stat = await fs.lstat(file).catch(() => null);
  if (stat && !stat.isFile()) throw refuse(`refusing to replace ${file}: it is not a regular file`);
}

async function existingDigest(file: string): Promise<string | null> {
  try {
    return sha256(await fs.readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Temp files are only ever left by a crash between write and rename; they are never the report. */
async function removeStaleTempFiles(file: string): Promise<void> {
  const base = path.basename(file);
  for (const name of await fs.readdir(path.dirname(file))) {
    if (name.startsWith(`${base}.`) && name.endsWith(TEMP_SUFFIX)) await fs.rm(path.join(path.dirname(file), name), { force: true });
  }
}

async function writeAtomically(realRoot: string, file: string, content: string): Promise<void> {
  const temp = `${file}.${randomUUID()}${TEMP_SUFFIX}`;
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await assertInside(realRoot, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await fs.rename(temp, file);
  const dir = await fs.open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export interface FinalizeHooks {
  /** Fault injection for crash tests: runs after the report is in place, before the activity returns. */
  afterWrite?: () => void;
}

export function finalizeReport(outputRoot: string, hooks: FinalizeHooks = {}) {
  return async ({
    runId,
    markdown,
    sha256: approvedDigest,
    relativePath,
  }: ToolInput<'finalize_report'>): Promise<ToolOutput<'finalize_report'>> => {
    if (sha256(markdown) !== approvedDigest) {
      throw ApplicationFailure.nonRetryable('report content does not match the approved digest', NON_RETRYABLE.digestMismatch);
    }
    const file = reportPath(outputRoot, relativePath ?? path.join(runId, REPORT_FILE_NAME));
    const realRoot = await safeFolder(path.resolve(outputRoot), file);
    await assertInside(realRoot, file);
    await removeStaleTempFiles(file);
    const existing = await existingDigest(file);
    // Another run's approved report (a reused id, a shared path) is never replaced by these bytes.
    if (existing !== null && existing !== approvedDigest) {
      throw ApplicationFailure.nonRetryable(
        `a different report already exists at ${file} (sha256 ${existing.slice(0, 12)}…): an approved report is never replaced; choose another --output or remove it`,
        NON_RETRYABLE.reportExists,
      );
    }
    if (existing === null) await writeAtomically(realRoot, file, markdown);
    hooks.afterWrite?.();
    return { path: file, bytes: Buffer.byteLength(markdown, 'utf8'), sha256: approvedDigest };
  };
}
