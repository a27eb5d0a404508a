/**
 * Sign-in tokens for the approvals page, issued by whoever runs it (`harness ui token NAME`). The
 * file keeps only each token's sha256 and the canonical name it signs in as, so a copy of the file
 * signs nobody in; the token itself is printed once. Names are canonical exactly as the CLI's.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { readRegularFile } from '../../files/read-regular-file';
import { FileRefusedError } from '../../files/file-refused';
import { writeFileInside } from '../../files/write-file-inside';
import { PersonName } from '../../shared/identity';
import { defaultKeyDir } from '../api/signing-keys';
import { HarnessError } from '../api/harness-error';

/** Beside the approvers' signing keys: $XDG_CONFIG_HOME/durable-harness/ui-tokens.json. */
export const defaultTokenFile = (): string => path.join(path.dirname(defaultKeyDir()), 'ui-tokens.json');

const TOKEN_PREFIX = 'dh_ui_';
const TokenFile = z.object({
  version: z.literal(1),
  /** sha256 of the token, hex → who it signs in as. */
  tokens: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.object({ name: PersonName, issuedAt: z.string() }).strict()),
});
type TokenFile = z.output<typeof TokenFile>;

const digestOf = (token: string) => createHash('sha256').update(token).digest('hex');

export async function readTokenFile(file: string): Promise<TokenFile> {
  let text: string;
  try {
    text = (await readRegularFile(file, { what: 'token file', maxBytes: 1024 * 1024 })).text;
  } catch (err) {
    if (err instanceof FileRefusedError && err.reason === 'no such file') return { version: 1, tokens: {} };
    throw err instanceof FileRefusedError ? new HarnessError(err.message) : err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HarnessError(`${file} is not JSON (harness ui token writes it)`);
  }
  const parsed = TokenFile.safeParse(json);
  if (!parsed.success) throw new HarnessError(`${file} is not a token file: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** A new token for NAME, stored by digest (0600); printed once by the caller. */
export async function issueToken(rawName: string, file = defaultTokenFile()): Promise<{ name: string; token: string }> {
  const name = PersonName.safeParse(rawName);
  if (!name.success) throw new HarnessError(`invalid name ${JSON.stringify(rawName)}: ${name.error.issues[0].message}`);
  const tokens = await readTokenFile(file);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  tokens.tokens[digestOf(token)] = { name: name.data, issuedAt: new Date().toISOString() };
  await writeFileInside(path.dirname(file), path.basename(file), `${JSON.stringify(tokens, null, 2)}\n`, {
    mode: 0o600,
    folderMode: 0o700,
  });
  return { name: name.data, token };
}

/** Who a token signs in as, or null; the file is read at each sign-in, so a revoked token stops at once. */
export async function tokenHolder(token: string, file: string): Promise<string | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const { tokens } = await readTokenFile(file);
  const digest = digestOf(token);
  return Object.hasOwn(tokens, digest) ? tokens[digest].name : null;
}
