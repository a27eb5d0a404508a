/** Who the CLI acts as: a flag, else HARNESS_IDENTITY, else the login name. Asserted, not authenticated. */
import os from 'node:os';
import type { HarnessEnv } from '../../config/env';

export function identity(env: HarnessEnv, flag?: string): string {
  if (flag) return flag;
  if (env.HARNESS_IDENTITY) return env.HARNESS_IDENTITY;
  try {
    return process.env.USER || os.userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}
