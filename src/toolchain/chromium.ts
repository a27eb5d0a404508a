/**
 * Finds Chromium for the Temporal Web tests, or installs Debian's `chromium` when it is missing
 * and this user can (root, with apt-get). Otherwise it says exactly what to run: the browser
 * tests must never be skipped in silence.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

type Log = (line: string) => void;

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

/** Where Chromium should be and what this machine offers to install it; tests pass their own. */
export interface ChromiumHost {
  binary: string;
  root: boolean;
  aptGet: string | undefined;
}

const thisHost = (env: NodeJS.ProcessEnv): ChromiumHost => ({
  binary: chromiumPath(env),
  root: process.getuid?.() === 0,
  aptGet: ['/usr/bin/apt-get', '/bin/apt-get'].find(isExecutable),
});

export async function ensureChromium(log: Log, env: NodeJS.ProcessEnv = process.env, host: ChromiumHost = thisHost(env)): Promise<string> {
  const { binary, root, aptGet } = host;
  if (isExecutable(binary)) return binary;
  if (env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file`);
  if (!aptGet || !root) {
    throw new Error(
      `Chromium is missing at ${binary} and ${root ? 'there is no apt-get' : 'only root can install it'}: ` +
        'run `sudo apt-get update && sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium binary), then run the tests again',
    );
  }
  log('chromium: not found; installing the Debian package (apt-get update, apt-get install chromium)…');
  await run(aptGet, ['update', '-qq'], log);
  await run(aptGet, ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], log);
  if (!isExecutable(DEFAULT_CHROMIUM)) throw new Error(`apt-get installed chromium but ${DEFAULT_CHROMIUM} is still missing`);
  log(`chromium: installed at ${DEFAULT_CHROMIUM}`);
  return DEFAULT_CHROMIUM;
}

/** Runs apt-get, printing a progress line per package it unpacks; the tail of its output names a failure. */
function run(command: string, args: string[], log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 5) tail.shift();
        if (line.startsWith('Unpacking ')) log(`  ${line.split(' ').slice(0, 2).join(' ')}`);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => reject(new Error(`${command} could not start: ${err.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}): ${tail.join(' | ')}`)),
    );
  });
}
