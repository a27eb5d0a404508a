/**
 * Finds or builds the Go command-line tools the project runs (the Temporal CLI, tctl).
 * Order: an explicit env var, PATH, .temporal/bin, the per-user cache, then `go install`
 * into the cache (trying each pinned source in turn). Binaries are copied into .temporal/bin
 * so a clone is self-contained.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_BIN_DIR, userCacheDir } from '../paths';

export interface GoSource {
  modulePath: string;
  version: string;
  /** Name of the binary `go install` produces (the last path element). */
  builtName: string;
  ldflags?: string;
  /**
   * Built from a scratch module that requires it as a tool (`go get -tool`, then `go install`):
   * for modules whose go.mod has a `replace`, which `go install path@version` refuses.
   */
  viaToolModule?: boolean;
}

export interface GoTool {
  /** Binary name, also the name on PATH. */
  name: string;
  /** Environment variable that points at an existing binary. */
  envVar: string;
  /** Pinned sources, preferred first. */
  sources: GoSource[];
}

export const TEMPORAL_CLI: GoTool = {
  name: 'temporal',
  envVar: 'TEMPORAL_CLI',
  // v1.5.1 is the newest tag `go install` accepts: later ones carry a `replace` directive.
  sources: [{ modulePath: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1', builtName: 'temporal' }],
};

export const TCTL: GoTool = {
  name: 'tctl',
  envVar: 'TCTL',
  sources: [
    { modulePath: 'github.com/temporalio/tctl/cmd/tctl', version: 'v1.18.4', builtName: 'tctl' },
    // Where the module proxy does not serve github.com/temporalio/tctl: the same tctl (1.15.1) from
    // the server module it lived in before; its old x/net needs the linkname check off on Go >= 1.23.
    {
      modulePath: 'go.temporal.io/server/cmd/tools/cli',
      version: 'v1.15.2',
      builtName: 'cli',
      ldflags: '-checklinkname=0',
    },
  ],
};

/**
 * The Temporal server at the version the pinned CLI embeds (its go.mod has no `replace`); `npm run
 * cluster` runs its four services as separate processes.
 */
export const TEMPORAL_SERVER: GoTool = {
  name: 'temporal-server',
  envVar: 'TEMPORAL_SERVER_BIN',
  sources: [{ modulePath: 'go.temporal.io/server/cmd/server', version: 'v1.29.1', builtName: 'server' }],
};

/** The server's SQL schema tool (schemas embedded), same version. */
export const TEMPORAL_SQL_TOOL: GoTool = {
  name: 'temporal-sql-tool',
  envVar: 'TEMPORAL_SQL_TOOL_BIN',
  sources: [{ modulePath: 'go.temporal.io/server/cmd/tools/sql', version: 'v1.29.1', builtName: 'sql' }],
};

/** The Web UI server the pinned CLI embeds (v2.42.1), run on its own against the cluster. */
export const TEMPORAL_UI_SERVER: GoTool = {
  name: 'temporal-ui-server',
  envVar: 'TEMPORAL_UI_SERVER_BIN',
  sources: [{ modulePath: 'github.com/temporalio/ui-server/v2/cmd/server', version: 'v2.42.1', builtName: 'server' }],
};

/** Jaeger v2: OTLP on 4317/4318, UI and query API on 16686, in-memory storage. */
export const JAEGER: GoTool = {
  name: 'jaeger',
  envVar: 'JAEGER_BIN',
  sources: [{ modulePath: 'github.com/jaegertracing/jaeger/cmd/jaeger', version: 'v1.76.0', builtName: 'jaeger', viaToolModule: true }],
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

const cacheDir = (tool: GoTool, source: GoSource) => path.join(userCacheDir(), `${tool.name}-${source.version}`);
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
  const cached = tool.sources.map((s) => path.join(cacheDir(tool, s), tool.name)).find(isExecutable);
  return cached ? copyIntoClone(tool, cached) : null;
}

async function copyIntoClone(tool: GoTool, binary: string): Promise<string> {
  await fs.mkdir(LOCAL_BIN_DIR, { recursive: true });
  const temp = `${localBinary(tool)}.${process.pid}.tmp`;
  await fs.copyFile(binary, temp);
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
  const failures: string[] = [];
  for (const source of tool.sources) {
    log(`${tool.name}: not found; building ${source.modulePath}@${source.version} with go install (first time only, takes minutes)…`);
    try {
      const dir = cacheDir(tool, source);
      await goInstall(go, source, dir, log);
      if (source.builtName !== tool.name) await fs.rename(path.join(dir, source.builtName), path.join(dir, tool.name));
      log(`${tool.name}: built into ${dir}`);
      return copyIntoClone(tool, path.join(dir, tool.name));
    } catch (err) {
      failures.push((err as Error).message);
      log(`${tool.name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`could not build ${tool.name}: ${failures.map((f) => f.split('\n')[0]).join('; ')}`);
}

async function goInstall(go: string, source: GoSource, gobin: string, log: Log): Promise<void> {
  const flags = ['-v', ...(source.ldflags ? [`-ldflags=${source.ldflags}`] : [])];
  if (!source.viaToolModule) return runGo(go, ['install', ...flags, `${source.modulePath}@${source.version}`], { gobin, log });
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'harness-go-tool-'));
  try {
    await runGo(go, ['mod', 'init', 'harness-tools'], { gobin, log, cwd: scratch });
    await runGo(go, ['get', '-tool', `${source.modulePath}@${source.version}`], { gobin, log, cwd: scratch });
    await runGo(go, ['install', ...flags, source.modulePath], { gobin, log, cwd: scratch });
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

function runGo(go: string, args: string[], { gobin, log, cwd }: { gobin: string; log: Log; cwd?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, { cwd, env: { ...process.env, GOBIN: gobin }, stdio: ['ignore', 'ignore', 'pipe'] });
    let built = 0;
    let downloads = 0;
    const tail: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (line.startsWith('go: downloading') || line.startsWith('go: added')) {
          if (++downloads % 25 === 0) log(`  downloaded ${downloads} modules…`);
        } else if (++built % 100 === 0) {
          log(`  compiled ${built} packages…`);
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`go ${args.join(' ')} failed (exit ${code}): ${tail.slice(-3).join(' | ')}`)),
    );
  });
}
