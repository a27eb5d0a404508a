/** Where the project keeps its git-ignored Temporal state and the per-user binary cache. */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The project folder: the nearest parent holding our package.json. The same answer from src/
 * (tests), dist/ (built code) and dist-bench/ (benchmarks).
 */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'durable-harness') return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const TEMPORAL_DIR = path.join(REPO_ROOT, '.temporal');
export const LOCAL_BIN_DIR = path.join(TEMPORAL_DIR, 'bin');
/** The embedded default's persistent history: `harness server` and the demo share it. */
export const DEFAULT_DB_FILE = path.join(TEMPORAL_DIR, 'harness.sqlite');

export function userCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'durable-harness');
}
