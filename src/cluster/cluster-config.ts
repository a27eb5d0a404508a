/**
 * The configuration files of the production-shape cluster, as data: the Temporal server's (one
 * file for all four services, each process starting one of them), its dynamic config, and the
 * Web UI server's. Pure functions of the layout, so a test can compare them with docker-compose.yml.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../paths';
import type { ClusterCertificates } from './certificates';

/** The four services, each its own process (and container in docker-compose.yml), in start order. */
export const CLUSTER_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
/**
 * With authorization on, a fifth: the internal frontend, where the system worker goes instead of
 * the public frontend (it holds no API key; the internal one trusts the internode certificate).
 */
export const AUTH_CLUSTER_SERVICES = ['history', 'matching', 'internal-frontend', 'frontend', 'worker'] as const;
export type ClusterService = (typeof AUTH_CLUSTER_SERVICES)[number];

export const servicesOf = (layout: Pick<ClusterLayout, 'auth'>): readonly ClusterService[] =>
  layout.auth ? AUTH_CLUSTER_SERVICES : CLUSTER_SERVICES;

export interface ClusterLayout {
  /** Loopback address every service binds. */
  host: string;
  /** gRPC port of each service; the frontend's is the one clients use. */
  grpcPorts: Record<ClusterService, number>;
  /** Ringpop membership port of each service. */
  membershipPorts: Record<ClusterService, number>;
  frontendHttpPort: number;
  internalFrontendHttpPort: number;
  uiPort: number;
  /** Authorization on the frontend: API keys are JWTs checked against this JWKS. */
  auth?: { jwksUrl: string };
  historyShards: number;
  postgres: { host: string; port: number; user: string; password: string };
  /** Databases: history and visibility. */
  databases: { main: string; visibility: string };
  certificates: ClusterCertificates;
  /** Folder of the generated config, logs and the UI's config. */
  stateDir: string;
}

const sqlStore = (layout: ClusterLayout, databaseName: string, maxConns: number) => ({
  sql: {
    pluginName: 'postgres12',
    databaseName,
    connectAddr: `${layout.postgres.host}:${layout.postgres.port}`,
    connectProtocol: 'tcp',
    user: layout.postgres.user,
    password: layout.postgres.password,
    maxConns,
    maxIdleConns: maxConns,
    maxConnLifetime: '1h',
  },
});

const rpc = (layout: ClusterLayout, service: ClusterService) => ({
  rpc: {
    grpcPort: layout.grpcPorts[service],
    membershipPort: layout.membershipPorts[service],
    bindOnIP: layout.host,
    ...(service === 'frontend' ? { httpPort: layout.frontendHttpPort } : {}),
    ...(service === 'internal-frontend' ? { httpPort: layout.internalFrontendHttpPort } : {}),
  },
});

/** The server's config: PostgreSQL stores, mTLS on the frontend and between the services. */
export function serverConfig(layout: ClusterLayout): Record<string, unknown> {
  const certs = layout.certificates;
  const serverTls = { certFile: certs.serverCert, keyFile: certs.serverKey, clientCaFiles: [certs.caCert], requireClientAuth: true };
  const clientTls = { serverName: 'localhost', rootCaFiles: [certs.caCert] };
  const frontend = `${layout.host}:${layout.grpcPorts.frontend}`;
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: layout.historyShards,
      datastores: {
        'postgres-default': sqlStore(layout, layout.databases.main, 20),
        'postgres-visibility': sqlStore(layout, layout.databases.visibility, 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: layout.host },
      tls: {
        internode: { server: serverTls, client: clientTls },
        frontend: { server: serverTls, client: clientTls },
        // The system worker presents the client certificate to the frontend, which requires one.
        systemWorker: { certFile: certs.clientCert, keyFile: certs.clientKey, client: clientTls },
      },
      ...(layout.auth
        ? {
            // Temporal's own authorizer and JWT claim mapper: an API key is a JWT signed by a key
            // in the JWKS, its `permissions` claim says what it may do (e.g. default:admin).
            authorization: {
              jwtKeyProvider: { keySourceURIs: [layout.auth.jwksUrl], refreshInterval: '1m' },
              permissionsClaimName: 'permissions',
              authorizer: 'default',
              claimMapper: 'default',
            },
          }
        : {}),
    },
    services: Object.fromEntries(servicesOf(layout).map((service) => [service, rpc(layout, service)])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: frontend,
          httpAddress: `${layout.host}:${layout.frontendHttpPort}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: DYNAMIC_CONFIG_FILE, pollInterval: '10s' },
  };
}

/** The cluster's dynamic config, shared with docker-compose.yml. */
export const DYNAMIC_CONFIG_FILE = path.join(REPO_ROOT, 'cluster', 'dynamic-config.yaml');

/** The Web UI server's config: talks mTLS to the frontend, serves on loopback. */
export function uiConfig(layout: ClusterLayout): Record<string, unknown> {
  const certs = layout.certificates;
  return {
    temporalGrpcAddress: `${layout.host}:${layout.grpcPorts.frontend}`,
    host: layout.host,
    port: layout.uiPort,
    enableUi: true,
    defaultNamespace: 'default',
    refreshInterval: '1m',
    cors: { allowOrigins: [`http://${layout.host}:${layout.uiPort}`], cookieInsecure: true },
    tls: {
      caFile: certs.caCert,
      certFile: certs.clientCert,
      keyFile: certs.clientKey,
      serverName: 'localhost',
      enableHostVerification: true,
    },
  };
}

export const toYaml = (value: unknown) => stringify(value, { lineWidth: 0 });
