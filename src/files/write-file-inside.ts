/**
 * The one way the harness writes a file: inside a folder the caller chose (the root), never through
 * a symbolic link below it, whole or not at all. The root may itself be a link (the user named it);
 * every folder between it and the file is created one at a time and refused if it is a link or not
 * a folder, and checked again, by its real path, just before the file is renamed into place. The
 * content goes to an exclusive temporary file first (fsync), which is removed if anything fails, so a
 * failed write leaves nothing behind and a reader never sees half a file.
 */
import { randomUUID } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { FileRefusedError } from './file-refused';

export const TEMP_SUFFIX = '.tmp';

export interface WriteOptions {
  /** Permission bits of the new file (default 0644). */
  mode?: number;
  /** Permission bits of folders created on the way (default 0755). */
  folderMode?: number;
  /** False: an existing file is never replaced; the write fails with EEXIST (atomically, by link()). */
  replace?: boolean;
}

/** NAME_MAX of the usual file systems (ext4, xfs, btrfs, tmpfs, APFS), in bytes. */
const NAME_MAX = 255;
/** What the temporary name adds to the file's: `.<uuid>.tmp`. */
const TEMP_NAME_EXTRA = 1 + 36 + TEMP_SUFFIX.length;

/** Why a file at `relative` could never be written here (a name too long), or null: said before a run starts, not after its approval. */
export function nameTooLong(relative: string): string | null {
  const parts = relative.split(/[\\/]/).filter(Boolean);
  for (const [i, part] of parts.entries()) {
    const limit = i === parts.length - 1 ? NAME_MAX - TEMP_NAME_EXTRA : NAME_MAX;
    const bytes = Buffer.byteLength(part);
    if (bytes > limit)
      return `"${part.slice(0, 24)}…" is ${bytes} bytes; a ${i === parts.length - 1 ? 'file' : 'folder'} name here is at most ${limit}`;
  }
  return null;
}

/** The absolute path `relative` names under `root`, or a refusal when it would land outside it. */
export function pathInside(root: string, relative: string): string {
  const resolvedRoot = path.resolve(root);
  const target = path.resolve(resolvedRoot, relative);
  const inside = path.relative(resolvedRoot, target);
  if (path.isAbsolute(relative) || inside === '' || inside.startsWith('..') || path.isAbsolute(inside))
    throw new FileRefusedError(`refusing to write outside ${resolvedRoot}: ${relative}`);
  return target;
}

/**
 * Creates the folders between the root and the file, refusing any that is a symbolic link or not
 * a folder: a link planted anywhere under the root cannot redirect the write. Returns the root's real path.
 */
async function foldersInside(root: string, file: string, folderMode = 0o755): Promise<string> {
  await fs.mkdir(root, { recursive: true, mode: folderMode });
  const realRoot = await fs.realpath(root);
  let dir = realRoot;
  for (const part of path.relative(root, path.dirname(file)).split(path.sep).filter(Boolean)) {
    dir = path.join(dir, part);
    const stat = await fs.lstat(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
    if (!stat)
      await fs
        .mkdir(dir, { mode: folderMode })
        .catch((err: NodeJS.ErrnoException) => (err.code === 'EEXIST' ? undefined : Promise.reject(err)));
    else if (stat.isSymbolicLink()) throw new FileRefusedError(`refusing to write through a symbolic link: ${dir}`);
    else if (!stat.isDirectory()) throw new FileRefusedError(`refusing to write: ${dir} is not a folder`);
  }
  return realRoot;
}

/** Checked again just before the rename: the folder is really under the root and the file, if any, is a regular file. */
async function assertStillInside(realRoot: string, file: string): Promise<void> {
  const realDir = await fs.realpath(path.dirname(file));
  if (realDir !== realRoot && !realDir.startsWith(`${realRoot}${path.sep}`))
    throw new FileRefusedError(`refusing to write outside ${realRoot}: ${realDir}`);
  const stat = await fs.lstat(file).catch(() => null);
  if (stat && !stat.isFile()) throw new FileRefusedError(`refusing to replace ${file}: it is not a regular file`);
}

/** Writes `content` to `relative` under `root`; returns the file's absolute path. */
export async function writeFileInside(
  root: string,
  relative: string,
  content: string | Uint8Array,
  options: WriteOptions = {},
): Promise<string> {
  const file = pathInside(root, relative);
  const realRoot = await foldersInside(path.resolve(root), file, options.folderMode);
  await assertStillInside(realRoot, file);
  const temp = `${file}.${randomUUID()}${TEMP_SUFFIX}`;
  let created = false;
  try {
    // O_EXCL|O_NOFOLLOW: the temporary name cannot be a link someone planted, nor an existing file.
    const handle = await fs.open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      options.mode ?? 0o644,
    );
    created = true;
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await assertStillInside(realRoot, file);
    if (options.replace === false) {
      // link() fails with EEXIST rather than replacing: exclusive and atomic at once.
      await fs.link(temp, file);
      await fs.rm(temp, { force: true });
    } else {
      await fs.rename(temp, file);
    }
    created = false;
    await syncFolder(path.dirname(file));
  } finally {
    if (created) await fs.rm(temp, { force: true });
  }
  return file;
}

/** The same, for a file whose own folder is the root (a state file, a config the harness generates). */
export const writeFileAt = (file: string, content: string | Uint8Array, options: WriteOptions = {}): Promise<string> =>
  writeFileInside(path.dirname(file), path.basename(file), content, options);

/** A rename is durable once its folder is synced: after a crash the file is the new one or the old one. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Temporary files are only ever left by a crash between write and rename (a failed write removes its own). */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const base = path.basename(file);
  const names = await fs.readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const name of names)
    if (name.startsWith(`${base}.`) && name.endsWith(TEMP_SUFFIX)) await fs.rm(path.join(path.dirname(file), name), { force: true });
}
