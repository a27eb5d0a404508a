/**
 * The agent benchmark's peers live in their own install (bench/peers: Temporal SDK 1.23.0, which
 * their packages pin, beside our 1.24): installed from the package registry the first time the
 * benchmark needs them, and again whenever their lockfile changes.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../src/paths';

export const PEERS_DIR = path.join(REPO_ROOT, 'bench', 'peers');

/** npm's record of what it installed, written after a successful install. */
const installedRecord = path.join(PEERS_DIR, 'node_modules', '.package-lock.json');

async function modifiedMs(file: string): Promise<number | null> {
  return fs.stat(file).then(
    (stat) => stat.mtimeMs,
    () => null,
  );
}

export async function installPeers(log: (line: string) => void): Promise<void> {
  const installed = await modifiedMs(installedRecord);
  const locked = await modifiedMs(path.join(PEERS_DIR, 'package-lock.json'));
  if (installed !== null && locked !== null && installed >= locked) return;
  log('installing the peers (npm ci in bench/peers; first time only, about a minute)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: PEERS_DIR,
      // npm's summary goes to stderr: the bench's stdout is its Markdown report alone.
      stdio: ['ignore', process.stderr, 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`npm ci in bench/peers failed (exit ${code}); pass --agent-peers '' to measure without the peers`);
}
