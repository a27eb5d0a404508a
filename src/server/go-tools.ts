/**
 * Finds or builds the Go command-line tools the project runs (the Temporal CLI, tctl).
 * Order: an explicit env var, PATH, .temporal/bin, the per-user cache, then `go install`
 * into the cache. Binaries are copied into .temporal/bin so a clone is self-contained.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { LOCAL_BIN_DIR, userCacheDir } from './paths';

export interface GoTool {
  /** Binary name, also the name on PATH. */
  name: string;
  /** Environment variable that points at an existing binary. */
  envVar: string;
  modulePath: string;
  /** Pinned tag: v1.5.1 is the newest Temporal CLI tag `go install` accepts (later ones use `replace`). */
  version: string;
}

export const TEMPORAL_CLI: GoTool = {
  name: 'temporal',
  envVar: 'TEMPORAL_CLI',
  modulePath: 'github.com/temporalio/cli/cmd/temporal',
  version: 'v1.5.1',
};

type Log = (line: string) => void;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

const cachedBinary = (tool: GoTool) => path.join(userCacheDir(), `${tool.name}-${tool.version}`, tool.name);
const localBinary = (tool: GoTool) => path.join(LOCAL_BIN_DIR, tool.name);

/** An existing binary, without building anything; null when there is none. */
export async function findGoTool(tool: GoTool): Promise<string | null> {
  const fromEnv = process.env[tool.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${tool.envVar}=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const candidate = onPath(tool.name) ?? (isExecutable(localBinary(tool)) ? localBinary(tool) : null);
  if (candidate) return candidate;
  if (isExecutable(cachedBinary(tool))) return copyIntoClone(tool);
  return null;
}

async function copyIntoClone(tool: GoTool): Promise<string> {
  await fs.mkdir(LOCAL_BIN_DIR, { recursive: true });
  const temp = `${localBinary(tool)}.${process.pid}.tmp`;
  await fs.copyFile(cachedBinary(tool), temp);
  await fs.chmod(temp, 0o755);
  await fs.rename(temp, localBinary(tool));
  return localBinary(tool);
}

/** Finds the tool, or builds it with `go install` when Go is available; null when neither works. */
export async function ensureGoTool(tool: GoTool, log: Log = (l) => process.stderr.write(`${l}\n`)): Promise<string | null> {
  const found = await findGoTool(tool);
  if (found) return found;
  const go = onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
  if (!go) return null;
  log(`${tool.name}: not found; building ${tool.modulePath}@${tool.version} with go install (first time only, takes minutes)…`);
  await goInstall(go, tool, path.dirname(cachedBinary(tool)), log);
  log(`${tool.name}: built into ${path.dirname(cachedBinary(tool))}`);
  return copyIntoClone(tool);
}

function goInstall(go: string, tool: GoTool, gobin: string, log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, ['install', '-v', `${tool.modulePath}@${tool.version}`], {
      env: { ...process.env, GOBIN: gobin },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let built = 0;
    let downloads = 0;
    const tail: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (line.startsWith('go: downloading')) {
          if (++downloads % 25 === 0) log(`  ${tool.name}: downloaded ${downloads} modules…`);
        } else if (++built % 100 === 0) {
          log(`  ${tool.name}: compiled ${built} packages…`);
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`go install ${tool.modulePath}@${tool.version} failed (exit ${code}):\n${tail.join('\n')}`)),
    );
  });
}
