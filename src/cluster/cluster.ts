/**
 * A production-shape Temporal cluster on this machine: the server built from the Go module proxy,
 * PostgreSQL for history and visibility, the four services (history, matching, frontend, worker)
 * as separate processes with several history shards, mTLS on the frontend and between services,
 * the default namespace and HarnessStatus registered, the Web UI pointed at it. Everything it
 * runs is a child of this process and stops with it; its databases stay for the next start.
 */
import { writeFileAt } from '../files/write-file-inside';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { startBackend, type RunningBackend } from '../backend-process';
import type { TemporalProfile, TemporalTarget } from '../config/temporal-profile';
import { isListening } from '../connection-diagnosis';
import { TEMPORAL_DIR } from '../paths';
import { connectClientConnection } from '../temporal-connection';
import { ensureGoTool, TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER, type GoTool } from '../toolchain/go-tools';
import { registerSearchAttribute } from '../worker/register-search-attribute';
import { ensureCertificates } from './certificates';
import { serverConfig, servicesOf, toYaml, uiConfig, type ClusterLayout, type ClusterService } from './cluster-config';
import { startApiKeyIssuer, type ApiKeyIssuer } from './api-keys';
import { ensureDatabases } from './databases';
import { portsIn } from './ports';

export const DEFAULT_CLUSTER_DIR = path.join(TEMPORAL_DIR, 'cluster');
const NAMESPACE = 'default';
/** gRPC status code 5. */
const GRPC_NOT_FOUND = 5;
/** How long closed runs stay in the default namespace (docker-compose.yml registers the same). */
export const RETENTION = '3 days';
export const DEFAULT_HISTORY_SHARDS = 4;

type Log = (line: string) => void;

export interface ClusterOptions {
  /** Config, certificates and logs (default .temporal/cluster). */
  stateDir?: string;
  /** Ports: the usual ones (frontend 7233, UI 8233), or free ones (tests). */
  ports?: 'default' | 'free';
  /** Names of the two databases get this prefix (default harness_cluster). */
  databasePrefix?: string;
  /** Drop the databases first. */
  reset?: boolean;
  /** Start the Web UI too (default true). */
  ui?: boolean;
  historyShards?: number;
  /**
   * Temporal's authorizer on the frontend: API keys (JWTs) required, checked against a key this
   * process serves; a fifth process, the internal frontend, serves the system worker. No Web UI.
   */
  auth?: boolean;
  log?: Log;
}

export interface RunningCluster {
  layout: ClusterLayout;
  address: string;
  uiUrl: string | null;
  /** How a client reaches it: address, namespace and the mTLS profile. */
  target: Required<TemporalTarget>;
  /** The same as TEMPORAL_* variables, for child processes and the `temporal` CLI. */
  clientVariables: Record<string, string>;
  /** Sends a signal to one service and waits for it to exit. */
  kill(service: ClusterService, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a service that was killed, and waits until it serves. */
  start(service: ClusterService): Promise<void>;
  /** With `auth`: signs an API key with these permissions (e.g. ['default:read']). */
  issueApiKey?: ApiKeyIssuer['issue'];
  /** Resolves with the first service that exits without being asked to. */
  unexpectedExit: Promise<{ service: ClusterService; code: number | null }>;
  stop(): Promise<void>;
}

async function tool(goTool: GoTool, log: Log): Promise<string> {
  const binary = await ensureGoTool(goTool, log);
  if (!binary) throw new Error(`no ${goTool.name} and no Go toolchain to build it: install Go or set ${goTool.envVar}`);
  return binary;
}

/** The client side of the cluster's mTLS, as an envconfig profile and as TEMPORAL_* variables. */
function clientAccess(
  layout: ClusterLayout,
  apiKey?: string,
): { target: Required<TemporalTarget>; clientVariables: Record<string, string> } {
  const certs = layout.certificates;
  const address = `${layout.host}:${layout.grpcPorts.frontend}`;
  const profile: TemporalProfile = {
    address,
    namespace: NAMESPACE,
    ...(apiKey ? { apiKey } : {}),
    tls: {
      clientCert: { path: certs.clientCert },
      clientKey: { path: certs.clientKey },
      serverCACert: { path: certs.caCert },
      serverName: 'localhost',
    },
  };
  return {
    target: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: NAMESPACE, temporalProfile: profile },
    clientVariables: {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
      ...(apiKey ? { TEMPORAL_API_KEY: apiKey } : {}),
    },
  };
}

async function frontendServes(target: TemporalTarget): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await connectClientConnection(target, 2_000, { explain: false });
    await connection.withDeadline(Date.now() + 2_000, () => connection!.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * Every service in every other's ring: a history call (a missing run is NotFound, not "not enough
 * hosts") and a matching call both answer. A freshly started service takes seconds to be seen.
 */
async function clusterServes(target: TemporalTarget): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await connectClientConnection(target, 2_000, { explain: false });
    const service = connection.workflowService;
    const namespace = NAMESPACE;
    const probe = 'harness-cluster-readiness-probe';
    await connection.withDeadline(Date.now() + 3_000, () =>
      service.describeTaskQueue({
        namespace,
        taskQueue: { name: probe },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    try {
      await connection.withDeadline(Date.now() + 3_000, () =>
        service.describeWorkflowExecution({ namespace, execution: { workflowId: probe } }),
      );
    } catch (err) {
      if ((err as { code?: number }).code !== GRPC_NOT_FOUND) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function waitUntil(check: () => Promise<boolean>, what: string, deadlineMs = 120_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${deadlineMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The default namespace, registered once and readable before anything uses it. */
async function ensureNamespace(target: TemporalTarget, log: Log): Promise<void> {
  const connection = await connectClientConnection(target);
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace: NAMESPACE,
        workflowExecutionRetentionPeriod: msToTs(RETENTION),
      });
      log(`registered namespace ${NAMESPACE}`);
    } catch (err) {
      if (!/already exists|already registered/i.test((err as Error).message)) throw err;
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`namespace ${NAMESPACE} not readable: ${(err as Error).message.split('\n')[0]}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

/** PostgreSQL as libpq's own variables name it (PGHOST, PGPORT, PGUSER, PGPASSWORD); default: local trust auth. */
export function postgresFromEnv(env: NodeJS.ProcessEnv): ClusterLayout['postgres'] {
  return {
    host: env.PGHOST || '127.0.0.1',
    port: Number(env.PGPORT || 5432),
    user: env.PGUSER || 'postgres',
    password: env.PGPASSWORD || '',
  };
}

export async function startCluster(options: ClusterOptions = {}): Promise<RunningCluster> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stateDir = path.resolve(options.stateDir ?? DEFAULT_CLUSTER_DIR);
  const prefix = options.databasePrefix ?? 'harness_cluster';
  const [server, sql, ui] = [
    await tool(TEMPORAL_SERVER, log),
    await tool(TEMPORAL_SQL_TOOL, log),
    options.ui === false || options.auth ? null : await tool(TEMPORAL_UI_SERVER, log),
  ];
  const layout: ClusterLayout = {
    host: '127.0.0.1',
    ...(await portsIn(stateDir, options.ports ?? 'default')),
    historyShards: options.historyShards ?? DEFAULT_HISTORY_SHARDS,
    postgres: postgresFromEnv(process.env),
    databases: { main: prefix, visibility: `${prefix}_visibility` },
    certificates: await ensureCertificates(path.join(stateDir, 'tls')),
    stateDir,
  };
  if (await isListening(layout.host, layout.grpcPorts.frontend))
    throw new Error(
      `something already listens on ${layout.host}:${layout.grpcPorts.frontend}: stop it (a dev server or another cluster) first`,
    );
  await ensureDatabases(sql, layout, { reset: options.reset, log });
  const issuer = options.auth ? await startApiKeyIssuer(path.join(stateDir, 'auth')) : null;
  if (issuer) layout.auth = { jwksUrl: issuer.jwksUrl };
  // The cluster's own calls, and the clients it prints, hold a system admin key.
  const access = clientAccess(layout, issuer?.issue('harness-cluster-admin', ['temporal-system:admin']));

  const configDir = path.join(stateDir, 'config');
  await writeFileAt(path.join(configDir, 'cluster.yaml'), toYaml(serverConfig(layout)));

  const running = new Map<ClusterService, RunningBackend>();
  const stopping = new Set<ClusterService>();
  let reportExit: (exit: { service: ClusterService; code: number | null }) => void = () => undefined;
  const unexpectedExit = new Promise<{ service: ClusterService; code: number | null }>((resolve) => (reportExit = resolve));
  const backends: RunningBackend[] = [];

  const startService = async (service: ClusterService): Promise<void> => {
    stopping.delete(service);
    const backend = await startBackend({
      name: `temporal ${service}`,
      binary: server,
      args: ['--root', '/', '--config', configDir, '--env', 'cluster', '--allow-no-auth', 'start', '--service', service],
      logFile: path.join(stateDir, 'logs', `${service}.log`),
      // Ready: in the membership ring, and serving its gRPC port (the frontend: answering a
      // client; the worker service has no gRPC server of its own).
      isReady: async () =>
        (await isListening(layout.host, layout.membershipPorts[service])) &&
        (service === 'frontend'
          ? frontendServes(access.target)
          : service === 'worker' || isListening(layout.host, layout.grpcPorts[service])),
      readyDeadlineMs: 120_000,
    });
    running.set(service, backend);
    void backend.exited.then((code) => {
      if (running.get(service) === backend && !stopping.has(service)) reportExit({ service, code });
    });
  };

  const services = servicesOf(layout);
  const stop = async () => {
    for (const service of services) stopping.add(service);
    for (const backend of backends.reverse()) await backend.stop();
    for (const service of [...services].reverse()) await running.get(service)?.stop();
    await issuer?.close();
  };

  try {
    for (const service of services) {
      await startService(service);
      log(`started ${service} (log: ${path.join(stateDir, 'logs', `${service}.log`)})`);
    }
    await ensureNamespace(access.target, log);
    await waitUntil(() => clusterServes(access.target), 'the services did not find each other (see the logs)');
    await registerSearchAttribute(access.target);
    let uiUrl: string | null = null;
    if (ui) {
      const uiDir = path.join(stateDir, 'ui');
      uiUrl = `http://${layout.host}:${layout.uiPort}`;
      backends.push(
        await startBackend({
          name: 'Temporal Web UI',
          binary: ui,
          args: ['--root', '/', '--config', uiDir, '--env', 'cluster', 'start'],
          config: { file: path.join(uiDir, 'cluster.yaml'), text: toYaml(uiConfig(layout)) },
          logFile: path.join(stateDir, 'logs', 'ui.log'),
          readyUrl: uiUrl,
        }),
      );
    }
    return {
      layout,
      address: access.target.TEMPORAL_ADDRESS,
      uiUrl,
      ...access,
      ...(issuer ? { issueApiKey: issuer.issue } : {}),
      unexpectedExit,
      kill: async (service, signal = 'SIGKILL') => {
        stopping.add(service);
        await running.get(service)?.kill(signal);
      },
      start: async (service) => {
        await startService(service);
        await waitUntil(() => clusterServes(access.target), `temporal ${service} did not rejoin the cluster`);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
