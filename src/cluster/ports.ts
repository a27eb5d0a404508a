/**
 * The cluster's ports: the usual ones (frontend 7233, Web UI 8233, as a user expects), or free
 * ones for a second cluster beside the first, kept in its folder so a restart reuses them.
 */
import { writeFileAt } from '../files/write-file-inside';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../dev-server/free-port';
import { AUTH_CLUSTER_SERVICES, type ClusterLayout, type ClusterService } from './cluster-config';

const DEFAULT_GRPC: Record<ClusterService, number> = {
  frontend: 7233,
  history: 7234,
  matching: 7235,
  'internal-frontend': 7236,
  worker: 7239,
};
const DEFAULT_MEMBERSHIP: Record<ClusterService, number> = {
  frontend: 6933,
  history: 6934,
  matching: 6935,
  'internal-frontend': 6936,
  worker: 6939,
};

type ClusterPorts = Pick<ClusterLayout, 'grpcPorts' | 'membershipPorts' | 'frontendHttpPort' | 'internalFrontendHttpPort' | 'uiPort'>;

/**
 * Free ports are kept in the state folder and taken again when still free: a service that comes
 * back under its old address is the same ring member, where a new address leaves the old one in
 * the database for the ring to give up on first (tens of seconds of "not enough hosts").
 */
export async function portsIn(stateDir: string, kind: 'default' | 'free'): Promise<ClusterPorts> {
  if (kind === 'default') return portsFor(kind);
  const file = path.join(stateDir, 'ports.json');
  const saved = await fs.readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as ClusterPorts,
    () => null,
  );
  if (saved && AUTH_CLUSTER_SERVICES.every((service) => saved.grpcPorts[service] && saved.membershipPorts[service])) {
    const all = [
      ...Object.values(saved.grpcPorts),
      ...Object.values(saved.membershipPorts),
      saved.frontendHttpPort,
      saved.internalFrontendHttpPort,
      saved.uiPort,
    ];
    if ((await Promise.all(all.map(bindable))).every(Boolean)) return saved;
  }
  const ports = await portsFor(kind);
  await writeFileAt(file, JSON.stringify(ports));
  return ports;
}

/**
 * Free ports for a second cluster beside the first (tests). Membership ports are stored in a
 * smallint column, so they come from below 32768, where the kernel's own picks never fall.
 */
async function portsFor(kind: 'default' | 'free'): Promise<ClusterPorts> {
  if (kind === 'default')
    return {
      grpcPorts: DEFAULT_GRPC,
      membershipPorts: DEFAULT_MEMBERSHIP,
      frontendHttpPort: 7243,
      internalFrontendHttpPort: 7246,
      uiPort: 8233,
    };
  const taken = new Set<number>();
  const claim = async (pick: () => Promise<number>): Promise<number> => {
    for (;;) {
      const port = await pick();
      if (!taken.has(port)) return (taken.add(port), port);
    }
  };
  const lowPort = async (): Promise<number> => {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (await bindable(port)) return port;
    }
  };
  const each = async (pick: () => Promise<number>) => {
    const ports = {} as Record<ClusterService, number>;
    for (const service of AUTH_CLUSTER_SERVICES) ports[service] = await claim(pick);
    return ports;
  };
  return {
    grpcPorts: await each(freePort),
    membershipPorts: await each(lowPort),
    frontendHttpPort: await claim(freePort),
    internalFrontendHttpPort: await claim(freePort),
    uiPort: await claim(freePort),
  };
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
