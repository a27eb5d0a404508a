/**
 * docker-compose.yml describes what `npm run cluster` runs: Debian's docker-compose validates it
 * (no engine needed), and its resolved form is compared with the cluster's own definitions:
 * versions, services, shards, dynamic config, schemas, retention and the client's variables.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { DEFAULT_HISTORY_SHARDS, RETENTION } from '../../src/cluster/cluster';
import { CLUSTER_SERVICES, DYNAMIC_CONFIG_FILE } from '../../src/cluster/cluster-config';
import { SCHEMAS } from '../../src/cluster/databases';
import { REPO_ROOT } from '../../src/paths';
import { DOCKER_COMPOSE, toolPath } from '../../src/toolchain/debian-tools';
import { TEMPORAL_SERVER, TEMPORAL_UI_SERVER } from '../../src/toolchain/go-tools';
import { useClusterBed } from './cluster-bed';

const exec = promisify(execFile);
const bed = useClusterBed('compose');

interface ComposeService {
  image?: string;
  environment?: Record<string, string | number>;
  volumes?: string[];
  command?: string[] | string;
}

let services: Record<string, ComposeService>;

beforeAll(async () => {
  // The resolved file (anchors merged, variables substituted), as the engine would run it.
  const { stdout } = await exec(toolPath(DOCKER_COMPOSE), ['-f', path.join(REPO_ROOT, 'docker-compose.yml'), 'config'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH },
  });
  services = (parse(stdout) as { services: Record<string, ComposeService> }).services;
});

const version = (tool: typeof TEMPORAL_SERVER) => tool.sources[0].version.replace(/^v/, '');
const commandText = (service: ComposeService) => [service.command ?? []].flat().join('\n');

test('the same four services, separate, at the server version the cluster builds', () => {
  for (const service of CLUSTER_SERVICES) {
    expect(services[`temporal-${service}`]).toMatchObject({
      image: `temporalio/server:${version(TEMPORAL_SERVER)}`,
      environment: expect.objectContaining({ SERVICES: service, NUM_HISTORY_SHARDS: DEFAULT_HISTORY_SHARDS, DB: 'postgres12' }),
    });
    // The dynamic config is the very file the cluster loads.
    expect(services[`temporal-${service}`].volumes).toContainEqual(expect.stringContaining(`${DYNAMIC_CONFIG_FILE}:`));
  }
  expect(services['temporal-ui'].image).toBe(`temporalio/ui:${version(TEMPORAL_UI_SERVER)}`);
  for (const admin of ['temporal-schema', 'temporal-setup'])
    expect(services[admin].image).toBe(`temporalio/admin-tools:${version(TEMPORAL_SERVER)}`);
});

test('the schemas, namespace retention and search attribute the cluster sets up', () => {
  const schema = commandText(services['temporal-schema']);
  for (const name of Object.values(SCHEMAS)) expect(schema).toContain(`update-schema --schema-name ${name}`);
  const setup = commandText(services['temporal-setup']);
  expect(RETENTION).toBe('3 days');
  expect(setup).toContain('--retention 72h');
  expect(setup).toContain('--name HarnessStatus --type Keyword');
});

test('the worker takes every variable the cluster gives clients, and an API key, all optional', () => {
  const environment = services['harness-worker'].environment ?? {};
  for (const name of [...Object.keys(bed.cluster.clientVariables), 'TEMPORAL_API_KEY', 'HARNESS_CODEC_KEYS', 'HARNESS_CODEC_KEYS_FILE'])
    expect(environment).toHaveProperty(name);
  // Unset on the host, the TLS and key variables resolve to blank: a plain connection.
  for (const name of ['TEMPORAL_TLS', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS_CLIENT_CERT_PATH']) expect(environment[name]).toBe('');
});
