/**
 * The one way the harness reads a file someone handed it (an export, a seed runs folder, a sources
 * file, a policy, a signing key, an edit): only a regular file, bounded in size, and never quoted in
 * an error. A FIFO or a device is refused before a byte is read (opening one does not block: the
 * open is non-blocking and the handle is checked before reading), and a file inside a folder someone
 * else made may be refused when it is a symbolic link.
 */
import { closeSync, constants, fstatSync, openSync, promises as fs, readSync, Stats } from 'node:fs';
import { FileRefusedError } from './file-refused';

export interface ReadFileOptions {
  /** Names the file in every message: "signing key", "export". */
  what: string;
  maxBytes: number;
  /**
   * Default true: the user typed this path, a link in it is theirs. False for a file found inside a
   * folder (an export's state.json): a link there could point anywhere on this machine.
   */
  followLink?: boolean;
}

export interface RegularFile {
  text: string;
  bytes: Buffer;
  /** Permission bits of the file that was read (the same handle: no race between check and read). */
  mode: number;
}

const WHY: Record<string, string> = {
  EACCES: 'not readable (permission denied)',
  EPERM: 'not readable (permission denied)',
  ELOOP: 'a symbolic link, which is not followed here',
  ENAMETOOLONG: 'a name too long for this file system',
};

const openFlags = (followLink: boolean) => constants.O_RDONLY | constants.O_NONBLOCK | (followLink ? 0 : constants.O_NOFOLLOW);

function openRefusal(err: unknown, what: string, file: string): FileRefusedError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileRefusedError(`${what} not found: ${file}`, 'no such file');
  const why = WHY[code] ?? `cannot be opened (${code || 'error'})`;
  return new FileRefusedError(`${what} ${file}: ${why}`, why);
}

/** The buffer to read into, or why this handle is not a file to read. */
function bufferFor(stat: Stats, what: string, file: string, maxBytes: number): Buffer {
  const refuse = (why: string) => new FileRefusedError(`${what} ${file}: ${why}`, why);
  if (stat.isDirectory()) throw refuse('is a folder, not a file');
  if (!stat.isFile()) throw refuse('not a regular file (a FIFO, socket or device is never read)');
  if (stat.size > maxBytes) throw refuse(`${stat.size} bytes, at most ${maxBytes}`);
  // One byte past the bound: a file that grew after the stat is refused, not truncated.
  return Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
}

function contents(buffer: Buffer, length: number, stat: Stats, what: string, file: string, maxBytes: number): RegularFile {
  if (length > maxBytes) throw new FileRefusedError(`${what} ${file}: more than ${maxBytes} bytes`, `more than ${maxBytes} bytes`);
  const bytes = buffer.subarray(0, length);
  return { text: bytes.toString('utf8'), bytes, mode: stat.mode & 0o7777 };
}

const readFailure = (err: unknown, what: string, file: string) =>
  err instanceof FileRefusedError
    ? err
    : new FileRefusedError(`${what} ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);

export async function readRegularFile(file: string, { what, maxBytes, followLink = true }: ReadFileOptions): Promise<RegularFile> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, openFlags(followLink));
  } catch (err) {
    throw openRefusal(err, what, file);
  }
  try {
    const stat = await handle.stat();
    const buffer = bufferFor(stat, what, file, maxBytes);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read)
      read = (await handle.read(buffer, length, buffer.length - length, length)).bytesRead;
    return contents(buffer, length, stat, what, file, maxBytes);
  } catch (err) {
    throw readFailure(err, what, file);
  } finally {
    await handle.close();
  }
}

/** The same, for configuration read while a process starts (codec keys). */
export function readRegularFileSync(file: string, { what, maxBytes, followLink = true }: ReadFileOptions): RegularFile {
  let fd: number;
  try {
    fd = openSync(file, openFlags(followLink));
  } catch (err) {
    throw openRefusal(err, what, file);
  }
  try {
    const stat = fstatSync(fd);
    const buffer = bufferFor(stat, what, file, maxBytes);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read)
      read = readSync(fd, buffer, length, buffer.length - length, length);
    return contents(buffer, length, stat, what, file, maxBytes);
  } catch (err) {
    throw readFailure(err, what, file);
  } finally {
    closeSync(fd);
  }
}

/**
 * JSON from a file, or one line saying it is not. V8's message quotes the file's first bytes
 * ("root:x:0:0"…), so only what kind of mistake it is survives.
 */
export function parseJsonText(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const early = /end of JSON input/.test((err as Error).message);
    throw new FileRefusedError(`${label}: not valid JSON${early ? ' (it ends too early)' : ''}`);
  }
}
