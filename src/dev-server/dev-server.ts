/**
 * The embedded default: a Temporal dev server (SQLite, WAL journal, Web UI, HarnessStatus
 * registered) that the project starts itself when nothing answers at TEMPORAL_ADDRESS.
 */
import { Connection } from '@temporalio/client';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DB_FILE, TEMPORAL_DIR } from '../paths';
import { DEFAULT_UI_PORT, STATUS_SEARCH_ATTRIBUTE } from '../shared/constants';
import { stopProcess } from '../stop-process';
import { isSecured, temporalConnectOptions, type TemporalTarget } from '../config/temporal-profile';
import { isListening } from '../connection-diagnosis';
import { connectClientConnection } from '../temporal-connection';
import { ensureGoTool, TEMPORAL_CLI } from '../toolchain/go-tools';

export interface DevServerOptions {
  /** host:port for gRPC. */
  address: string;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file for persistent history; omit for an in-memory server. */
  dbFile?: string;
  /** Where the server's own log goes (default: discarded). */
  logFile?: string;
  /** SQLite pragmas for a persistent server (default: journal_mode=WAL). */
  sqlitePragmas?: string[];
  /** The codec server Temporal Web decodes payloads through (harness codec-server). */
  uiCodecEndpoint?: string;
  /** Extra dynamic config values, KEY=JSON. */
  dynamicConfig?: string[];
  /**
   * Eager activity execution (default on): a worker that completes a workflow task gets the next
   * activity in the same response instead of through matching. On this 2-core machine it cut a
   * tool step from ~100 ms to ~12 ms (bench/results, docs/benchmarks.md).
   */
  eagerActivities?: boolean;
  log?: (line: string) => void;
}

export interface RunningServer {
  address: string;
  uiUrl: string | null;
  /** False when an already-running server was reused: then stop() leaves it alone. */
  startedHere: boolean;
  pid?: number;
  stop(): Promise<void>;
}

const READY_DEADLINE_MS = 90_000;

export function splitAddress(address: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) throw new Error(`TEMPORAL_ADDRESS must be host:port, got "${address}"`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

/**
 * Every probe dials on a channel of its own. grpc-js shares subchannels between channels to the
 * same address (a process-wide pool), so a probe made while nothing listened left the shared
 * subchannel in reconnect backoff (1 s, 1.6 s, 2.6 s … up to 120 s), and every later probe, though
 * a new Connection, waited out that backoff: a server that came up after a slow first start was
 * seen up to tens of seconds late, past the deadline on a busy machine (issue 26; measured: 12.9 s
 * late after 30 s of refusals with the pool, 0.4 s without).
 */
const FRESH_CHANNEL = { 'grpc.use_local_subchannel_pool': 1 };

/** One readiness probe: null when a Temporal frontend answered at the address, else why not (one line). */
export async function probeServer(address: string, timeoutMs = 2_000): Promise<string | null> {
  // Bounded whatever the client does: a readiness loop must never wait on one probe.
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${(2 * timeoutMs) / 1000}s`), 2 * timeoutMs);
  });
  try {
    return await Promise.race([answered(address, timeoutMs), bound]);
  } finally {
    clearTimeout(timer);
  }
}

async function answered(address: string, timeoutMs: number): Promise<string | null> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({
      ...temporalConnectOptions({ TEMPORAL_ADDRESS: address }),
      connectTimeout: timeoutMs,
      channelArgs: FRESH_CHANNEL,
    });
    const answering = connection;
    await answering.withDeadline(Date.now() + timeoutMs, () => answering.workflowService.getSystemInfo({}));
    return null;
  } catch (err) {
    return ((err as Error)?.message ?? String(err)).split('\n')[0];
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** True when a Temporal frontend answers at the address. */
export async function isServerReachable(address: string, timeoutMs = 2_000): Promise<boolean> {
  return (await probeServer(address, timeoutMs)) === null;
}

export const DEFAULT_SQLITE_PRAGMAS = ['journal_mode=WAL'];

const pragmaArgs = (options: DevServerOptions) => (options.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS).flatMap((p) => ['--sqlite-pragma', p]);

export function devServerArgs(options: DevServerOptions): string[] {
  const { host, port } = splitAddress(options.address);
  const args = ['server', 'start-dev', '--ip', host, '--port', String(port), '--log-level', 'warn'];
  args.push('--search-attribute', `${STATUS_SEARCH_ATTRIBUTE}=Keyword`);
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.uiPort && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) args.push('--db-filename', options.dbFile, ...pragmaArgs(options));
  const dynamicConfig = [
    ...(options.eagerActivities === false ? [] : ['system.enableActivityEagerExecution=true']),
    ...(options.dynamicConfig ?? []),
  ];
  for (const value of dynamicConfig) args.push('--dynamic-config-value', value);
  return args;
}

export async function startDevServer(options: DevServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (options.dbFile) await fs.mkdir(path.dirname(options.dbFile), { recursive: true });
  const binary = await ensureGoTool(TEMPORAL_CLI, log);
  // No download fallback: nothing fetches a binary at run time; the user installs Go or names a binary.
  if (!binary)
    throw new Error(
      `no ${TEMPORAL_CLI.name} binary and no Go toolchain to build it: install Go (https://go.dev/dl) or set ${TEMPORAL_CLI.envVar}`,
    );

  const output = options.logFile ? await fs.open(options.logFile, 'a') : undefined;
  const child = spawn(binary, devServerArgs(options), {
    stdio: ['ignore', output?.fd ?? 'ignore', output?.fd ?? 'ignore'],
  });
  // Listened for before anything is awaited: a server that dies at once would otherwise exit
  // unheard, and its start be reported as a 90 s silence.
  let exitCode: number | null = null;
  child.on('exit', (code) => (exitCode = code ?? -1));
  await output?.close();

  const deadline = Date.now() + READY_DEADLINE_MS;
  for (let lastError = await probeServer(options.address); lastError !== null; lastError = await probeServer(options.address)) {
    if (exitCode !== null) {
      throw new Error(`temporal dev server exited with code ${exitCode} before it was ready${await whatWasSeen(options, lastError)}`);
    }
    if (Date.now() > deadline) {
      const seen = await whatWasSeen(options, lastError);
      await stopProcess(child);
      throw new Error(`temporal dev server did not answer at ${options.address} within ${READY_DEADLINE_MS / 1000}s${seen}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    address: options.address,
    uiUrl: options.uiPort ? `http://${splitAddress(options.address).host}:${options.uiPort}` : null,
    startedHere: true,
    pid: child.pid,
    stop: () => stopProcess(child),
  };
}

/**
 * What a failed start saw, on the one line the CLI prints: the last probe's error, who holds the
 * port (`ss`, when the machine has it), and the end of the server's log.
 */
async function whatWasSeen(options: DevServerOptions, lastError: string): Promise<string> {
  const { host, port } = splitAddress(options.address);
  const owner = await portOwner(port);
  const listening =
    owner ?? ((await isListening(host, port)) ? `something accepts TCP connections on port ${port}` : `nothing listens on port ${port}`);
  const tail = options.logFile ? await logTail(options.logFile) : null;
  return `: last probe: ${lastError}; ${listening}${options.logFile ? `; log ${options.logFile}${tail ? ` ends: ${tail}` : ' is empty'}` : ''}`;
}

/** "port 7233 is held by temporal (pid 123)", from `ss -ltnp`; null when ss is missing or says nothing. */
function portOwner(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('ss', ['-Hltnp', `sport = :${port}`], { timeout: 3_000 }, (err, stdout) => {
      const user = /users:\(\("([^"]+)",pid=(\d+)/.exec(stdout ?? '');
      if (err || !stdout.trim()) resolve(err ? null : `nothing listens on port ${port}`);
      else resolve(user ? `port ${port} is held by ${user[1]} (pid ${user[2]})` : `something listens on port ${port}`);
    });
  });
}

/** The log's last three lines, joined: a hint, bounded, on one line. */
async function logTail(file: string): Promise<string | null> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-3);
  return lines.length ? lines.map((l) => l.slice(0, 200)).join(' | ') : null;
}

/** Reuses a server that answers at the address, or starts the embedded default there. */
export async function ensureServer(options: DevServerOptions): Promise<RunningServer> {
  if (await isServerReachable(options.address)) {
    return { address: options.address, uiUrl: null, startedHere: false, stop: async () => undefined };
  }
  return startDevServer(options);
}

/**
 * The embedded default the demo and `harness evals` share: history kept in .temporal, Temporal Web
 * on its usual port. A target with TLS or an API key is a real cluster: it is used or its
 * connection failure reported, never stood in for by a local dev server.
 */
export async function ensureEmbeddedServer(target: TemporalTarget): Promise<RunningServer> {
  const address = target.TEMPORAL_ADDRESS;
  if (isSecured(target)) {
    await (await connectClientConnection(target)).close();
    return { address, uiUrl: null, startedHere: false, stop: async () => undefined };
  }
  return ensureServer({ address, uiPort: DEFAULT_UI_PORT, dbFile: DEFAULT_DB_FILE, logFile: path.join(TEMPORAL_DIR, 'server.log') });
}
