/**
 * Who the CLI acts as: a flag, else HARNESS_IDENTITY, else the login name. Asserted, not
 * authenticated; put in canonical form here (shared/identity.ts) so what the user sees is what
 * the run compares.
 */
import os from 'node:os';
import type { HarnessEnv } from '../../config/env';
import { PersonName } from '../../shared/identity';
import { HarnessError } from '../api/harness-error';

function loginName(): string {
  try {
    return process.env.USER || os.userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

export function identity(env: HarnessEnv, flag?: string): string {
  const raw = flag ?? env.HARNESS_IDENTITY ?? loginName();
  const parsed = PersonName.safeParse(raw);
  if (!parsed.success) throw new HarnessError(`invalid identity ${JSON.stringify(raw)}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}
