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

/** Resolves `<root>/<runId>/final_report.md`, refusing anything that would land outside the root. */
export function reportPath(outputRoot: string, runId: string): string {
  const root = path.resolve(outputRoot);
  const target = path.resolve(root, runId, REPORT_FILE_NAME);
  const relative = path.relative(root, target);
  if (relative.startsWith('..') || path.isAbsolute(relative) || relative.split(path.sep).length !== 2) {
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
async function removeStaleTempFiles(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    if (name.startsWith(`${REPORT_FILE_NAME}.`) && name.endsWith(TEMP_SUFFIX)) await fs.rm(path.join(dir, name), { force: true });
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
  return async ({ runId, markdown, sha256: approvedDigest }: ToolInput<'finalize_report'>): Promise<ToolOutput<'finalize_report'>> => {
    if (sha256(markdown) !== approvedDigest) {
      throw ApplicationFailure.nonRetryable('report content does not match the approved digest', NON_RETRYABLE.digestMismatch);
    }
    const file = reportPath(outputRoot, runId);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await removeStaleTempFiles(path.dirname(file));
    if ((await existingDigest(file)) !== approvedDigest) await writeAtomically(file, markdown);
    hooks.afterWrite?.();
    return { path: file, bytes: Buffer.byteLength(markdown, 'utf8'), sha256: approvedDigest };
  };
}
