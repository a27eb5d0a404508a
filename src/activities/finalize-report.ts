/**
 * finalize_report: the one side effect of a run. Written through the harness's one safe writer
 * (confined under the output root, never through a symbolic link, whole or not at all, nothing
 * left behind when it fails) and idempotent: an existing identical report is returned as is, an
 * existing different one is never replaced. A file-system error that no retry can change (a name
 * too long, a file too large for this process, a read-only folder) fails for good at once.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileRefusedError } from '../files/file-refused';
import { pathInside, removeStaleTempFiles, writeFileInside } from '../files/write-file-inside';
import { REPORT_FILE_NAME } from '../shared/constants';
import { ToolInput, ToolOutput } from '../shared/tools';
import { NON_RETRYABLE } from '../shared/tool-contract';
import { sha256 } from './text';

/**
 * errno codes that the same write will meet again on every attempt. ENOSPC, EMFILE, EIO and the
 * like stay retryable: space is freed, descriptors close, a disk comes back.
 */
const DETERMINISTIC_ERRORS = new Set(['ENAMETOOLONG', 'EFBIG', 'EISDIR', 'ENOTDIR', 'EROFS', 'EACCES', 'EPERM', 'ELOOP', 'EINVAL']);

/** The failure the workflow sees: typed, and non-retryable when retrying cannot help. */
function asToolFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof FileRefusedError) return ApplicationFailure.nonRetryable(err.message, NON_RETRYABLE.pathRefused);
  const code = (err as NodeJS.ErrnoException).code;
  if (code && DETERMINISTIC_ERRORS.has(code))
    return ApplicationFailure.nonRetryable(`cannot write the report: ${(err as Error).message}`, NON_RETRYABLE.fileSystemRefused);
  return err;
}

const existingDigest = async (file: string): Promise<string> => sha256(await fs.readFile(file, 'utf8'));

export interface FinalizeHooks {
  /** Fault injection for crash tests: runs after the report is in place, before the activity returns. */
  afterWrite?: () => void;
}

export function finalizeReport(outputRoot: string, hooks: FinalizeHooks = {}) {
  const root = path.resolve(outputRoot);
  return async ({
    runId,
    markdown,
    sha256: approvedDigest,
    relativePath,
  }: ToolInput<'finalize_report'>): Promise<ToolOutput<'finalize_report'>> => {
    if (sha256(markdown) !== approvedDigest) {
      throw ApplicationFailure.nonRetryable('report content does not match the approved digest', NON_RETRYABLE.digestMismatch);
    }
    const relative = relativePath ?? path.join(runId, REPORT_FILE_NAME);
    try {
      const file = pathInside(root, relative);
      // Exclusive: a report already there (a retry after a crash, another run) is compared, never overwritten.
      const existing = await writeFileInside(root, relative, markdown, { replace: false }).then(
        () => approvedDigest,
        (err: NodeJS.ErrnoException) => (err.code === 'EEXIST' ? existingDigest(file) : Promise.reject(err)),
      );
      // Only once the writer has checked the folder: a crash between write and rename left these.
      await removeStaleTempFiles(file);
      // Another run's approved report (a reused id, a shared path) is never replaced by these bytes.
      if (existing !== approvedDigest) {
        throw ApplicationFailure.nonRetryable(
          `a different report already exists at ${file} (sha256 ${existing.slice(0, 12)}…): an approved report is never replaced; choose another --output or remove it`,
          NON_RETRYABLE.reportExists,
        );
      }
      hooks.afterWrite?.();
      return { path: file, bytes: Buffer.byteLength(markdown, 'utf8'), sha256: approvedDigest };
    } catch (err) {
      throw asToolFailure(err);
    }
  };
}
