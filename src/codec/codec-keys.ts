/**
 * The payload codec's keys: `id:base64key` entries (32-byte AES-256 keys) separated by commas or
 * lines, from HARNESS_CODEC_KEYS or the file HARNESS_CODEC_KEYS_FILE names. The first entry
 * encrypts; every entry decrypts, so a new key goes first and old ones stay until no history
 * needs them. Every problem is one line naming the setting, never a key.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config/config-error';
import { FileRefusedError } from '../files/file-refused';
import { readRegularFileSync } from '../files/read-regular-file';

export interface CodecKeys {
  /** The id new payloads are encrypted under. */
  encryptingId: string;
  byId: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

export function parseCodecKeys(text: string, source: string): CodecKeys {
  const entries = text
    .split(/[,\n]/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
  if (!entries.length)
    throw new ConfigError(`${source}: no keys (expected id:base64key entries, e.g. from \`harness codec keygen --id k1\`)`);
  const byId = new Map<string, Buffer>();
  for (const [i, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon).trim();
    const encoded = colon < 0 ? '' : entry.slice(colon + 1).trim();
    const where = `${source} entry ${i + 1}`;
    if (!KEY_ID.test(id)) throw new ConfigError(`${where}: expected id:base64key with an id of letters, digits, ".", "_" or "-"`);
    if (byId.has(id)) throw new ConfigError(`${where}: key id "${id}" appears twice`);
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== KEY_BYTES)
      throw new ConfigError(`${where} ("${id}"): the key must be ${KEY_BYTES} bytes in base64 (${KEY_BYTES * 8}-bit AES)`);
    byId.set(id, key);
  }
  return { encryptingId: entries[0].slice(0, entries[0].indexOf(':')).trim(), byId };
}

export interface CodecSettings {
  HARNESS_CODEC_KEYS?: string;
  HARNESS_CODEC_KEYS_FILE?: string;
}

/** The configured keys, or null when the codec is off (neither variable set). */
export function loadCodecKeys(settings: CodecSettings): CodecKeys | null {
  const { HARNESS_CODEC_KEYS: inline, HARNESS_CODEC_KEYS_FILE: file } = settings;
  if (inline && file) throw new ConfigError('HARNESS_CODEC_KEYS and HARNESS_CODEC_KEYS_FILE are both set: give one');
  if (inline) return parseCodecKeys(inline, 'HARNESS_CODEC_KEYS');
  if (!file) return null;
  let text: string;
  try {
    const read = readRegularFileSync(file, { what: 'HARNESS_CODEC_KEYS_FILE', maxBytes: 64 * 1024 });
    // Like ssh with its keys: a key file others can read is refused, not used.
    if (process.platform !== 'win32' && (read.mode & 0o077) !== 0)
      throw new ConfigError(`HARNESS_CODEC_KEYS_FILE: ${file} can be read by others; make it private (chmod 600)`);
    text = read.text;
  } catch (err) {
    throw err instanceof FileRefusedError ? new ConfigError(err.message) : err;
  }
  return parseCodecKeys(text, `HARNESS_CODEC_KEYS_FILE (${file})`);
}

/** A new entry for HARNESS_CODEC_KEYS: `id:` and 32 random bytes in base64. */
export function newCodecKeyEntry(id: string): string {
  if (!KEY_ID.test(id)) throw new ConfigError('--id: letters, digits, ".", "_" or "-" (at most 64)');
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
