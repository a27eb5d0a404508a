/**
 * What every benchmark needs: its own server (a dev server on a fresh SQLite file, or the
 * cluster), its own worker
 * process (so its RSS is measurable), a client, and a gate watcher that approves runs as soon
 * as visibility shows them waiting.
 */
import { Client, Connection } from '@temporalio/client';
import { ChildProcess, spawn } from 'node:child_process';
import { startRun } from '../src/client/api/runs';
import { freePort } from '../src/dev-server/free-port';
import { stopProcess } from '../src/stop-process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPolicyFile, DEFAULT_POLICY_FILE, LoadedPolicy } from '../src/config/policy-file';
import { readSourcesFile, SAMPLE_SOURCES } from '../src/client/api/sources-file';
import { waitFor } from '../src/client/api/wait-for';
import { RunningServer, startDevServer } from '../src/dev-server/dev-server';
import { startCluster } from '../src/cluster/cluster';
import { newCodecKeyEntry } from '../src/codec/codec-keys';
import { harnessDataConverter } from '../src/codec/data-converter';
import { temporalConnectOptions } from '../src/config/temporal-profile';
import { REPO_ROOT } from '../src/paths';
import { PEERS_DIR } from './peers-install';
import { approveUpdate, stateQuery } from '../src/shared/messages';
import type { RunState } from '../src/shared/run';
import type { SourceDocument } from '../src/shared/tools';
import type { RunExecution } from '../src/shared/execution';

export type BenchBackend = 'dev-server' | 'cluster';

export interface WorkerTuningFlags {
  /** V8 flags for the worker process (NODE_OPTIONS), e.g. a heap ceiling that makes it collect sooner. */
  nodeOptions?: string;
  maxCachedWorkflows?: number;
  workflowHeapMb?: number;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  stickyQueueTimeoutMs?: number;
}

export interface BenchSettings {
  worker: WorkerTuningFlags;
  sqlitePragmas: string[];
  latencyMs: number;
  /** How often the approver lists runs at the gate: each list is a SQLite query competing with the run. */
  watchIntervalMs: number;
  /** Server dynamic config, KEY=JSON. */
  dynamicConfig?: string[];
  eagerActivities: boolean;
  /** Set at start (client side): how fast a dead worker's workflow task and tool attempts are noticed. */
  workflowTaskTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
}

/** Temporal's own AI integrations, each on its own worker process from bench/peers (its own install, SDK 1.23.0). */
export const PEERS = ['openai-agents', 'ai-sdk'] as const;
export type PeerName = (typeof PEERS)[number];
export type WorkerName = 'harness' | 'agent' | 'floor' | PeerName;
/** A process whose CPU the bench reads: a worker, or the Temporal server itself. */
export type ProcessName = WorkerName | 'server' | 'approvals';

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class BenchEnv {
  private worker: ChildProcess | null = null;
  private workerDied: string | null = null;
  private floorWorker: ChildProcess | null = null;
  private agentWorker: ChildProcess | null = null;
  private readonly peerWorkers = new Map<PeerName, ChildProcess>();
  private observedWorker: ChildProcess | null = null;
  private encryptedWorker: ChildProcess | null = null;
  private approvalsPage: ChildProcess | null = null;
  /** A key made for this invocation: the codec scenario's client and worker share it. */
  private readonly codecKeys = newCodecKeyEntry('bench');
  private encrypted: Client | null = null;
  private constructor(
    readonly dir: string,
    readonly server: RunningServer,
    /** TEMPORAL_* for the worker processes: the address, and the cluster's mTLS. */
    private readonly connectionVariables: Record<string, string>,
    readonly client: Client,
    private readonly connection: Connection,
    readonly taskQueue: string,
    readonly settings: BenchSettings,
    readonly sources: SourceDocument[],
    readonly policy: LoadedPolicy,
  ) {}

  /**
   * Its own server: the embedded default (a dev server on a fresh SQLite file), or the
   * production-shape cluster (PostgreSQL, four services, mTLS) on databases made afresh.
   */
  static async start(settings: BenchSettings, address: string, backend: BenchBackend = 'dev-server'): Promise<BenchEnv> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'harness-bench-'));
    let server: RunningServer;
    let variables: Record<string, string>;
    let connection: Connection;
    if (backend === 'cluster') {
      const cluster = await startCluster({
        ports: 'free',
        ui: false,
        reset: true,
        databasePrefix: 'harness_bench',
        stateDir: path.join(dir, 'cluster'),
        log: () => undefined,
      });
      server = { address: cluster.address, uiUrl: null, startedHere: true, stop: () => cluster.stop() };
      variables = cluster.clientVariables;
      connection = await Connection.connect(temporalConnectOptions(cluster.target));
    } else {
      server = await startDevServer({
        address,
        dbFile: path.join(dir, 'temporal.sqlite'),
        logFile: path.join(dir, 'server.log'),
        sqlitePragmas: settings.sqlitePragmas,
        dynamicConfig: settings.dynamicConfig,
        eagerActivities: settings.eagerActivities,
      });
      variables = { TEMPORAL_ADDRESS: address };
      connection = await Connection.connect({ address });
    }
    const env = new BenchEnv(
      dir,
      server,
      variables,
      new Client({ connection }),
      connection,
      `bench-${Date.now()}`,
      settings,
      await readSourcesFile(SAMPLE_SOURCES),
      await loadPolicyFile(DEFAULT_POLICY_FILE),
    );
    await env.startWorker();
    return env;
  }

  /** Where the bare Temporal floor workflow runs, on its own worker process. */
  get floorTaskQueue(): string {
    return `${this.taskQueue}-floor`;
  }

  workerPid(): number | undefined {
    return this.worker?.pid;
  }

  async startWorker(): Promise<void> {
    const worker = await spawnReady([path.join(REPO_ROOT, 'bin', 'harness.js'), 'worker'], this.workerEnv(), 'harness worker: task queue');
    // A worker that dies on its own (out of memory, say) ends the benchmark instead of stalling it.
    worker.once('exit', (code, signal) => {
      if (this.worker === worker) this.workerDied = `the bench worker exited (${signal ?? `code ${code}`})`;
    });
    this.worker = worker;
  }

  /** The floor's worker: same tuning variables, its own task queue. */
  async startFloorWorker(): Promise<void> {
    const script = path.join(REPO_ROOT, 'dist-bench', 'bench', 'floor', 'worker.js');
    this.floorWorker = await spawnReady([script, this.server.address, this.floorTaskQueue], this.workerEnv(), 'floor worker: ready');
  }

  /** The agent benchmark's agents run here, on their own harness worker process (bench/agent/worker.ts). */
  get agentTaskQueue(): string {
    return `${this.taskQueue}-agent`;
  }

  async startAgentWorker(): Promise<void> {
    const script = path.join(REPO_ROOT, 'dist-bench', 'bench', 'agent', 'worker.js');
    this.agentWorker = await spawnReady([script], { ...this.workerEnv(), HARNESS_TASK_QUEUE: this.agentTaskQueue }, 'agent worker: ready');
  }

  peerTaskQueue(peer: PeerName): string {
    return `${this.taskQueue}-${peer}`;
  }

  /** A peer's worker (bench/peers/worker.js), with the same tuning variables as ours. */
  async startPeerWorker(peer: PeerName): Promise<void> {
    const args = [path.join(PEERS_DIR, 'worker.js'), peer, this.server.address, this.peerTaskQueue(peer)];
    this.peerWorkers.set(peer, await spawnReady(args, this.workerEnv(), `${peer} worker: ready`));
  }

  /** Runs on this queue go to a second harness worker with tracing and metrics on. */
  get observedTaskQueue(): string {
    return `${this.taskQueue}-observed`;
  }

  /** The same harness worker, exporting OTLP traces to `otlpEndpoint` and serving Prometheus metrics. */
  async startObservedWorker(otlpEndpoint: string, metricsAddress: string): Promise<void> {
    this.observedWorker = await spawnReady(
      [path.join(REPO_ROOT, 'bin', 'harness.js'), 'worker'],
      {
        ...this.workerEnv(),
        HARNESS_TASK_QUEUE: this.observedTaskQueue,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
        HARNESS_METRICS_ADDRESS: metricsAddress,
      },
      'harness worker: task queue',
    );
  }

  /** Runs on this queue go to a third harness worker with the payload codec on. */
  get encryptedTaskQueue(): string {
    return `${this.taskQueue}-encrypted`;
  }

  /** A client that encrypts what it sends and decrypts what it reads, as HARNESS_CODEC_KEYS makes every front end. */
  get encryptedClient(): Client {
    return (this.encrypted ??= new Client({
      connection: this.connection,
      dataConverter: harnessDataConverter({ HARNESS_CODEC_KEYS: this.codecKeys }),
    }));
  }

  /** The same harness worker with the payload codec on (AES-256-GCM over every payload it reads and writes). */
  async startEncryptedWorker(): Promise<void> {
    this.encryptedWorker = await spawnReady(
      [path.join(REPO_ROOT, 'bin', 'harness.js'), 'worker'],
      { ...this.workerEnv(), HARNESS_TASK_QUEUE: this.encryptedTaskQueue, HARNESS_CODEC_KEYS: this.codecKeys },
      'harness worker: task queue',
    );
  }

  /** `harness ui` on a free loopback port, signing in with the tokens in `tokenFile`; its base URL. */
  async startApprovalsPage(tokenFile: string, pollMs: number): Promise<string> {
    const port = await freePort();
    this.approvalsPage = await spawnReady(
      [path.join(REPO_ROOT, 'bin', 'harness.js'), 'ui', '--port', String(port), '--tokens', tokenFile, '--poll-ms', String(pollMs)],
      this.workerEnv(),
      'harness ui on',
    );
    return `http://127.0.0.1:${port}`;
  }

  private workerEnv(): NodeJS.ProcessEnv {
    const { worker, latencyMs } = this.settings;
    return {
      ...process.env,
      ...this.connectionVariables,
      HARNESS_TASK_QUEUE: this.taskQueue,
      HARNESS_OUTPUT_DIR: path.join(this.dir, 'runs'),
      HARNESS_OFFLINE_LATENCY_MS: String(latencyMs),
      // The baseline worker writes plaintext whatever the invoking shell says; the codec scenario sets its own key.
      HARNESS_CODEC_KEYS: '',
      HARNESS_CODEC_KEYS_FILE: '',
      ...(worker.nodeOptions ? { NODE_OPTIONS: worker.nodeOptions } : {}),
      ...(worker.maxCachedWorkflows !== undefined ? { HARNESS_MAX_CACHED_WORKFLOWS: String(worker.maxCachedWorkflows) } : {}),
      ...(worker.workflowHeapMb ? { HARNESS_WORKFLOW_HEAP_MB: String(worker.workflowHeapMb) } : {}),
      ...(worker.maxConcurrentActivities ? { HARNESS_MAX_CONCURRENT_ACTIVITIES: String(worker.maxConcurrentActivities) } : {}),
      ...(worker.maxConcurrentWorkflowTasks ? { HARNESS_MAX_CONCURRENT_WORKFLOW_TASKS: String(worker.maxConcurrentWorkflowTasks) } : {}),
      ...(worker.stickyQueueTimeoutMs ? { HARNESS_STICKY_QUEUE_TIMEOUT_MS: String(worker.stickyQueueTimeoutMs) } : {}),
    };
  }

  killWorker(): void {
    this.worker?.kill('SIGKILL');
    this.worker = null;
  }

  private pidOf(which: ProcessName): number | undefined {
    if (which === 'server') return this.server.pid;
    if (which === 'harness') return this.worker?.pid;
    if (which === 'agent') return this.agentWorker?.pid;
    if (which === 'floor') return this.floorWorker?.pid;
    if (which === 'approvals') return this.approvalsPage?.pid;
    return this.peerWorkers.get(which)?.pid;
  }

  /** Resident set size of the worker process, from /proc (Linux). */
  workerRssBytes(): number {
    return this.rssBytes('harness');
  }

  rssBytes(which: WorkerName): number {
    const pid = this.pidOf(which);
    if (!pid) return 0;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  /** CPU seconds the worker process has used (user + system), from /proc (Linux; clock ticks of 10 ms). */
  workerCpuSeconds(): number {
    return this.cpuSeconds('harness');
  }

  cpuSeconds(which: ProcessName): number {
    const pid = this.pidOf(which);
    if (!pid) return 0;
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  }

  async startRun(id: string, execution?: RunExecution, multiAgent = false, taskQueue = this.taskQueue, client = this.client) {
    const { workflowTaskTimeoutMs, heartbeatTimeoutMs } = this.settings;
    const options = {
      ...(execution ? { execution } : {}),
      ...(heartbeatTimeoutMs ? { heartbeatTimeoutMs } : {}),
      ...(multiAgent ? { multiAgent } : {}),
    };
    return startRun(
      { client, taskQueue, workflowTaskTimeoutMs },
      {
        id,
        topic: 'durable agent harness',
        sources: this.sources,
        policy: this.policy,
        startedBy: 'bench',
        ...(Object.keys(options).length ? { options } : {}),
      },
    );
  }

  async approve(id: string, digest?: string): Promise<void> {
    await this.client.workflow.getHandle(id).executeUpdate(approveUpdate, { args: [{ approver: 'bench', ...(digest ? { digest } : {}) }] });
  }

  async state(id: string): Promise<RunState> {
    return this.client.workflow.getHandle(id).query(stateQuery);
  }

  async count(query: string): Promise<number> {
    if (this.workerDied) throw new Error(this.workerDied);
    return (await this.client.workflow.count(`TaskQueue = '${this.taskQueue}' AND ${query}`)).count;
  }

  /** Ids of runs that visibility shows at the gate, among those given. */
  async waitingIds(): Promise<string[]> {
    if (this.workerDied) throw new Error(this.workerDied);
    const ids: string[] = [];
    for await (const info of this.client.workflow.list({
      query: `TaskQueue = '${this.taskQueue}' AND HarnessStatus = 'waiting_approval'`,
    })) {
      ids.push(info.workflowId);
    }
    return ids;
  }

  /**
   * Approves every run as soon as visibility shows it at the gate, until stop() is called.
   * One list call per tick serves every run, so watching costs the same for 1 run or 1,000.
   */
  approveAsTheyArrive(onApproved: (id: string, at: number) => void = () => undefined, concurrency = 32): { stop: () => Promise<void> } {
    const intervalMs = this.settings.watchIntervalMs;
    let running = true;
    const sent = new Set<string>();
    const loop = (async () => {
      while (running) {
        const fresh = (await this.waitingIds().catch(() => [])).filter((id) => !sent.has(id));
        for (let i = 0; i < fresh.length; i += concurrency) {
          await Promise.all(
            fresh.slice(i, i + concurrency).map(async (id) => {
              sent.add(id);
              const at = Date.now();
              await this.approve(id).catch(() => sent.delete(id));
              onApproved(id, at);
            }),
          );
        }
        await pause(intervalMs);
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  async stop(): Promise<void> {
    if (this.worker) await stopProcess(this.worker);
    if (this.floorWorker) await stopProcess(this.floorWorker);
    if (this.agentWorker) await stopProcess(this.agentWorker);
    for (const peer of this.peerWorkers.values()) await stopProcess(peer);
    if (this.observedWorker) await stopProcess(this.observedWorker);
    if (this.encryptedWorker) await stopProcess(this.encryptedWorker);
    if (this.approvalsPage) await stopProcess(this.approvalsPage);
    await this.connection.close();
    await this.server.stop();
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/** A node script as a child process, once its stderr says `ready`. */
async function spawnReady(args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${path.basename(args[0])} exited: ${output.trim()}`);
      return output.includes(ready);
    },
    { timeoutMs: 60_000, what: `${path.basename(args[0])} to start` },
  );
  return child;
}

/** Runs `tasks` with at most `limit` in flight. */
export async function inPool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export type Spread = { p50: number; p95: number; p99: number };
export const spread = (values: number[]): Spread => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
});

export const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
