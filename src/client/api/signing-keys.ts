/**
 * Approvers' Ed25519 keys: generated as a standard PKCS#8 PEM private key (mode 0600, readable by
 * openssl) beside the one-line public key a policy lists, and read back to sign a decision. The
 * run verifies with the pure-JS implementation in shared/signed-decision.ts; Node's signer is the
 * same RFC 8032 algorithm, so either side can be swapped for the other.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileRefusedError } from '../../files/file-refused';
import { readRegularFile } from '../../files/read-regular-file';
import { writeFileInside } from '../../files/write-file-inside';
import { PersonName } from '../../shared/identity';
import { PUBLIC_KEY_PREFIX, Signature, SignedStatement, statementBytes } from '../../shared/signed-decision';
import { HarnessError } from './harness-error';

/** Per user, like ssh's: $XDG_CONFIG_HOME/durable-harness/keys (default ~/.config/durable-harness/keys). */
export function defaultKeyDir(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'durable-harness', 'keys');
}

export interface SigningKey {
  privateKey: KeyObject;
  /** The policy's form of the matching public key: `ed25519:<hex>`. */
  publicKey: string;
}

const publicKeyText = (key: KeyObject): string =>
  PUBLIC_KEY_PREFIX + Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url').toString('hex');

/** The file stem a name gets: its canonical form, with anything a file name should not carry replaced. */
function fileStem(name: string): string {
  const parsed = PersonName.safeParse(name);
  if (!parsed.success) throw new HarnessError(`--name: ${parsed.error.issues[0].message}`);
  return parsed.data.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^\.+/, '_');
}

/** A new key pair in memory (what `keys generate` writes; recorders and tests sign with it directly). */
export function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: publicKeyText(privateKey) };
}

/** Writes D/NAME.key (0600) and D/NAME.pub; refuses to replace either, so a key in use is never lost. */
export async function generateSigningKey(
  name: string,
  dir = defaultKeyDir(),
): Promise<{ keyFile: string; pubFile: string; publicKey: string }> {
  const stem = fileStem(name);
  const keyFile = path.join(dir, `${stem}.key`);
  const pubFile = path.join(dir, `${stem}.pub`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await refuseSharedFolder(dir);
  const { privateKey, publicKey } = newSigningKey();
  await writeNew(dir, keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 0o600);
  try {
    await writeNew(dir, pubFile, `${publicKey}\n`, 0o644);
  } catch (err) {
    await fs.rm(keyFile, { force: true });
    throw err;
  }
  return { keyFile, pubFile, publicKey };
}

/** A folder others may write in lets them replace a key or its public half: refused, as ssh refuses such a ~/.ssh. */
async function refuseSharedFolder(dir: string): Promise<void> {
  const { mode } = await fs.stat(dir);
  if (process.platform !== 'win32' && (mode & 0o022) !== 0)
    throw new HarnessError(
      `${dir} can be written by others (mode ${(mode & 0o777).toString(8)}): keep keys in a private folder (chmod 700)`,
    );
}

/** Created whole with its mode, never replacing a file: a private key is never readable by others, even for a moment. */
async function writeNew(dir: string, file: string, text: string, mode: number): Promise<void> {
  try {
    await writeFileInside(dir, path.basename(file), text, { mode, replace: false, folderMode: 0o700 });
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === 'EEXIST'
      ? new HarnessError(`${file} already exists: keys are never overwritten (move it away, or choose another --name or --dir)`)
      : new HarnessError(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/** Reads a private key for signing; like ssh, refuses one that others may read. */
export async function readSigningKey(file: string): Promise<SigningKey> {
  let text: string;
  try {
    // A FIFO or device is refused before a read could block; the mode is the opened file's own.
    const read = await readRegularFile(file, { what: 'signing key', maxBytes: 16 * 1024 });
    if (process.platform !== 'win32' && (read.mode & 0o077) !== 0)
      throw new HarnessError(
        `${file}: permissions ${(read.mode & 0o777).toString(8)} are too open; a signing key must be private (chmod 600)`,
      );
    text = read.text;
  } catch (err) {
    throw err instanceof FileRefusedError ? new HarnessError(err.message) : err;
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(text);
  } catch {
    throw new HarnessError(`${file} is not a private key (harness keys generate writes one)`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new HarnessError(`${file} is a ${privateKey.asymmetricKeyType} key; signed approvals take Ed25519 (harness keys generate)`);
  return { privateKey, publicKey: publicKeyText(privateKey) };
}

export function signStatement(key: SigningKey, statement: SignedStatement): Signature {
  return { statement, signature: sign(null, statementBytes(statement), key.privateKey).toString('hex') };
}
