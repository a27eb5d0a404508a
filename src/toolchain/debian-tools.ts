/**
 * Finds a program the tests run that Debian packages (Chromium for Temporal Web, Prometheus and
 * promtool for metrics), or installs its package when it is missing and this user can (root,
 * with apt-get). Otherwise it says exactly what to run: those tests must never be skipped in silence.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export interface DebianTool {
  /** As the error names it. */
  label: string;
  /** Where the package puts the binary. */
  defaultPath: string;
  /** Environment variable that points at another binary. */
  envVar: string;
  debianPackage: string;
}

export const CHROMIUM: DebianTool = {
  label: 'Chromium',
  defaultPath: '/usr/bin/chromium',
  envVar: 'CHROMIUM_PATH',
  debianPackage: 'chromium',
};
export const PROMETHEUS: DebianTool = {
  label: 'Prometheus',
  defaultPath: '/usr/bin/prometheus',
  envVar: 'PROMETHEUS_PATH',
  debianPackage: 'prometheus',
};
/** promtool comes with the prometheus package. */
export const PROMTOOL: DebianTool = {
  label: 'promtool',
  defaultPath: '/usr/bin/promtool',
  envVar: 'PROMTOOL_PATH',
  debianPackage: 'prometheus',
};

/** Validates docker-compose.yml without a Docker engine (`docker-compose config`). */
export const DOCKER_COMPOSE: DebianTool = {
  label: 'docker-compose',
  defaultPath: '/usr/bin/docker-compose',
  envVar: 'DOCKER_COMPOSE_PATH',
  debianPackage: 'docker-compose',
};

type Log = (line: string) => void;

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function toolPath(tool: DebianTool, env: NodeJS.ProcessEnv = process.env): string {
  return env[tool.envVar] || tool.defaultPath;
}

export const chromiumPath = (env: NodeJS.ProcessEnv = process.env): string => toolPath(CHROMIUM, env);

/** Where the tool should be and what this machine offers to install it; tests pass their own. */
export interface DebianHost {
  binary: string;
  root: boolean;
  aptGet: string | undefined;
}

const thisHost = (tool: DebianTool, env: NodeJS.ProcessEnv): DebianHost => ({
  binary: toolPath(tool, env),
  root: process.getuid?.() === 0,
  aptGet: ['/usr/bin/apt-get', '/bin/apt-get'].find(isExecutable),
});

export async function ensureDebianTool(
  tool: DebianTool,
  log: Log,
  env: NodeJS.ProcessEnv = process.env,
  host: DebianHost = thisHost(tool, env),
): Promise<string> {
  const { binary, root, aptGet } = host;
  if (isExecutable(binary)) return binary;
  if (env[tool.envVar]) throw new Error(`${tool.envVar}=${env[tool.envVar]} is not an executable file`);
  if (!aptGet || !root) {
    throw new Error(
      `${tool.label} is missing at ${binary} and ${root ? 'there is no apt-get' : 'only root can install it'}: ` +
        `run \`sudo apt-get update && sudo apt-get install -y ${tool.debianPackage}\` (or set ${tool.envVar} to a ${tool.label} binary), then run the tests again`,
    );
  }
  log(`${tool.debianPackage}: not found; installing the Debian package (apt-get update, apt-get install ${tool.debianPackage})…`);
  await run(aptGet, ['update', '-qq'], log);
  await run(aptGet, ['install', '-y', '-qq', '--no-install-recommends', tool.debianPackage], log);
  if (!isExecutable(tool.defaultPath)) throw new Error(`apt-get installed ${tool.debianPackage} but ${tool.defaultPath} is still missing`);
  log(`${tool.debianPackage}: installed at ${tool.defaultPath}`);
  return tool.defaultPath;
}

export const ensureChromium = (log: Log, env: NodeJS.ProcessEnv = process.env, host?: DebianHost): Promise<string> =>
  ensureDebianTool(CHROMIUM, log, env, host);

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
