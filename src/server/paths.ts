/** Where the project keeps its git-ignored Temporal state and the per-user binary cache. */
import os from 'node:os';
import path from 'node:path';

/** Same answer from src/server (tests) and dist/server (built code). */
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const TEMPORAL_DIR = path.join(REPO_ROOT, '.temporal');
export const LOCAL_BIN_DIR = path.join(TEMPORAL_DIR, 'bin');
/** The embedded default's persistent history: `harness server` and the demo share it. */
export const DEFAULT_DB_FILE = path.join(TEMPORAL_DIR, 'harness.sqlite');

export function userCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'durable-harness');
}
