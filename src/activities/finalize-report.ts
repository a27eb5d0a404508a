/**
 * finalize_report: the one side effect of a run. Atomic (temp file, fsync, rename) and
 * idempotent (an existing identical report is returned as is), so a retry or a re-execution
 * after a crash never leaves a second or a partial file.
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

async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomUUID()}${TEMP_SUFFIX}`;
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
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
    await fs.mkdir(path.dirname(file), { recursive: true });
    await removeStaleTempFiles(file);
    if ((await existingDigest(file)) !== approvedDigest) await writeAtomically(file, markdown);
    hooks.afterWrite?.();
    return { path: file, bytes: Buffer.byteLength(markdown, 'utf8'), sha256: approvedDigest };
  };
}
