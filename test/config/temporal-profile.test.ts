/**
 * Connecting like every Temporal tool: the profile from the TOML file and TEMPORAL_* variables
 * (@temporalio/envconfig), and one line naming the setting for every bad configuration, never a
 * secret. The connection diagnoses run against the suite's real (plain) dev server.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ensureCertificates } from '../../src/cluster/certificates';
import { readEnv } from '../../src/config/env';
import { describeTarget, temporalConnectOptions } from '../../src/config/temporal-profile';
import { runHarness } from '../helpers/processes';
import { tempDir, testAddress } from '../helpers/temporal';

const API_KEY = 'key-that-must-never-be-printed';
let dir: string;
let certs: Awaited<ReturnType<typeof ensureCertificates>>;
let otherCerts: Awaited<ReturnType<typeof ensureCertificates>>;

beforeAll(async () => {
  dir = await tempDir('profile');
  certs = await ensureCertificates(path.join(dir, 'tls'));
  otherCerts = await ensureCertificates(path.join(dir, 'other-tls'));
});

const envIn = (vars: NodeJS.ProcessEnv) => readEnv({ HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'), ...vars }, dir);

async function writeProfiles(text: string): Promise<string> {
  const file = path.join(dir, `temporal-${Math.random().toString(36).slice(2)}.toml`);
  await fs.writeFile(file, text);
  return file;
}

test('a profile from the TOML file, with the TEMPORAL_* variables over it', async () => {
  const file = await writeProfiles(
    `[profile.default]\naddress = "127.0.0.1:1"\n\n[profile.prod]\naddress = "temporal.example.com:7233"\nnamespace = "research"\napi_key = "${API_KEY}"\n`,
  );
  expect(envIn({ TEMPORAL_CONFIG_FILE: file })).toMatchObject({ TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_NAMESPACE: 'default' });
  const prod = envIn({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' });
  expect(prod).toMatchObject({ TEMPORAL_ADDRESS: 'temporal.example.com:7233', TEMPORAL_NAMESPACE: 'research' });
  // An API key turns TLS on (as in every Temporal SDK) and is sent; it is never in a description.
  expect(temporalConnectOptions(prod)).toMatchObject({ apiKey: API_KEY, tls: {} });
  expect(describeTarget(prod)).toBe('temporal.example.com:7233 (TLS, API key)');
  const overridden = envIn({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'other', TEMPORAL_TLS: 'false' });
  expect(overridden.TEMPORAL_NAMESPACE).toBe('other');
  expect(temporalConnectOptions(overridden).tls).toBe(false);
  // The default file is the one the temporal CLI uses.
  await fs.mkdir(path.join(dir, 'config', 'temporalio'), { recursive: true });
  await fs.copyFile(file, path.join(dir, 'config', 'temporalio', 'temporal.toml'));
  expect(envIn({ TEMPORAL_PROFILE: 'prod' }).TEMPORAL_ADDRESS).toBe('temporal.example.com:7233');
  await fs.rm(path.join(dir, 'config'), { recursive: true });
});

test('mTLS from variables: certificates read and checked at connect, not before', async () => {
  const vars = {
    TEMPORAL_ADDRESS: '127.0.0.1:7233',
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
  };
  const env = envIn(vars);
  expect(describeTarget(env)).toBe('127.0.0.1:7233 (mTLS)');
  const options = temporalConnectOptions(env, vars);
  expect(options.tls).toMatchObject({ serverNameOverride: 'localhost' });
  // A command that never connects does not read the files.
  expect(() => envIn({ ...vars, TEMPORAL_TLS_CLIENT_CERT_PATH: '/no/such.pem' })).not.toThrow();
});

const BAD: [string, () => NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv>, RegExp][] = [
  [
    'an unknown profile',
    async () => ({ TEMPORAL_CONFIG_FILE: await writeProfiles('[profile.a]\naddress = "x:1"\n'), TEMPORAL_PROFILE: 'b' }),
    /^TEMPORAL_PROFILE: no profile "b" in .*\.toml$/,
  ],
  [
    'a named config file that is missing',
    () => ({ TEMPORAL_CONFIG_FILE: path.join(dir, 'missing.toml') }),
    /^TEMPORAL_CONFIG_FILE: no such file: .*missing\.toml$/,
  ],
  [
    'a misspelt key in the file',
    async () => ({ TEMPORAL_CONFIG_FILE: await writeProfiles('[profile.default]\nadress = "x:1"\n') }),
    /^Temporal config file .*: key\(s\) unrecognized in profile\.default: adress$/,
  ],
  [
    'a file that is not TOML',
    async () => ({ TEMPORAL_CONFIG_FILE: await writeProfiles('[profile.default\n') }),
    /^Temporal config file .*\.toml: /,
  ],
  ['TEMPORAL_TLS that is not a boolean', () => ({ TEMPORAL_TLS: 'yes please' }), /^TEMPORAL_TLS: use true or false$/],
  ['an address without a port', () => ({ TEMPORAL_ADDRESS: 'temporal.example.com' }), /TEMPORAL_ADDRESS: host:port/],
];

test.each(BAD)('%s is one line naming the setting', async (_case, vars, message) => {
  const variables = await vars();
  expect(() => envIn(variables)).toThrow(message);
});

const BAD_AT_CONNECT: [string, () => NodeJS.ProcessEnv, RegExp][] = [
  [
    'a missing client certificate',
    () => ({ TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'nope.pem'), TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey }),
    /^TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read .*nope\.pem: no such file$/,
  ],
  [
    'a client certificate that is a FIFO (read at once, never blocking)',
    () => {
      const fifo = path.join(dir, 'fifo.pem');
      if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]);
      return { TEMPORAL_TLS_CLIENT_CERT_PATH: fifo, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey };
    },
    /^TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read .*fifo\.pem: not a regular file/,
  ],
  [
    'a certificate without its key',
    () => ({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert }),
    /^TEMPORAL_TLS_CLIENT_CERT_PATH is set but no client key/,
  ],
  [
    'a key that does not match the certificate',
    () => ({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: otherCerts.clientKey }),
    /^TEMPORAL_TLS_CLIENT_KEY_PATH: the key does not match the client certificate TEMPORAL_TLS_CLIENT_CERT_PATH$/,
  ],
  [
    'a CA file that is not a certificate',
    () => ({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.clientKey }),
    /^TEMPORAL_TLS_SERVER_CA_CERT_PATH: not a PEM certificate$/,
  ],
];

test.each(BAD_AT_CONNECT)('%s is one line at connect', (_case, vars, message) => {
  const variables = vars();
  expect(() => temporalConnectOptions(envIn(variables), variables)).toThrow(message);
});

describe('the CLI against the suite’s plain dev server', () => {
  const cli = (vars: NodeJS.ProcessEnv) =>
    runHarness(['list', '--json'], { XDG_CONFIG_HOME: path.join(dir, 'none'), TEMPORAL_ADDRESS: testAddress(), ...vars });

  test('a profile file alone points it at the server', async () => {
    const file = await writeProfiles(`[profile.suite]\naddress = "${testAddress()}"\n`);
    const result = await cli({ TEMPORAL_ADDRESS: '', TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'suite' });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test.each([
    ['TLS to a plain server', { TEMPORAL_TLS: 'true' }, /the server does not speak TLS: unset TEMPORAL_TLS/],
    ['an API key to a plain server', { TEMPORAL_API_KEY: API_KEY }, /\(TLS, API key\): the server does not speak TLS/],
    [
      'a missing certificate',
      { TEMPORAL_TLS_CLIENT_CERT_PATH: '/no/such/cert.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/no/such/key.pem' },
      /TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read \/no\/such\/cert\.pem: no such file/,
    ],
  ])('%s: one line, exit 1, no secret, no stack', async (_case, vars, message) => {
    const result = await cli(vars);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain(API_KEY);
  });

  test('a worker told to use TLS with a plain server stops at once instead of waiting', async () => {
    // With a ten-minute connect wait, only a final diagnosis ends it within runHarness's deadline.
    const result = await runHarness(['worker'], {
      TEMPORAL_ADDRESS: testAddress(),
      TEMPORAL_TLS: 'true',
      HARNESS_CONNECT_TIMEOUT_MS: '600000',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the server does not speak TLS/);
  });
});
