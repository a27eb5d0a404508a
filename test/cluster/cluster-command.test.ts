/**
 * `harness cluster` (`npm run cluster`) as a user runs it: it prints how to point clients at it,
 * the printed variables and profile work for the harness and the `temporal` CLI, the Web UI reads
 * the cluster over mTLS, Ctrl-C stops everything it started, a second start reuses the databases
 * and --reset drops them.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '../../src/client/api/wait-for';
import { isListening } from '../../src/connection-diagnosis';
import { findGoTool, TEMPORAL_CLI } from '../../src/toolchain/go-tools';
import { HARNESS_BIN, runHarness, spawnHarnessUntil } from '../helpers/processes';
import { tempDir } from '../helpers/temporal';

const exec = promisify(execFile);
const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

interface Started {
  child: ChildProcess;
  output: () => string;
  variables: Record<string, string>;
  profileFile: string;
  uiUrl: string | null;
}

async function startClusterCommand(dir: string, ...flags: string[]): Promise<Started> {
  const started = await spawnHarnessUntil(
    ['cluster', '--free-ports', '--dir', dir, '--database', 'harness_test_command', ...flags],
    {},
    /Ctrl-C to stop/,
    180_000,
  );
  const { child } = started;
  children.push(child);
  const output = started.output();
  const variables = Object.fromEntries([...output.matchAll(/^export (TEMPORAL_\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  const profileFile = /TEMPORAL_CONFIG_FILE=(\S+) TEMPORAL_PROFILE=cluster/.exec(output)?.[1] as string;
  const uiUrl = /Web UI (http:\/\/\S+?),?\n/.exec(output)?.[1] ?? null;
  return { child, output: started.output, variables, profileFile, uiUrl };
}

const listening = (address: string) => {
  const [host, port] = address.split(':');
  return isListening(host, Number(port));
};

async function stop(started: Started): Promise<void> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGINT');
  expect(await exited).toBe(0);
}

test('the printed variables and profile reach it; the UI reads it; Ctrl-C stops it; restarts reuse or reset the databases', async () => {
  const dir = await tempDir('cluster-command');
  const first = await startClusterCommand(dir, '--reset');
  expect(first.output()).toMatch(/created database harness_test_command\b/);
  expect(first.variables).toMatchObject({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: 'localhost' });

  // The harness by variables and by the profile file alone; the temporal CLI by the profile.
  const listed = await runHarness(['list', '--json'], first.variables);
  expect(listed.stderr).toBe('');
  expect(listed.code).toBe(0);
  const byProfile = await runHarness(['list', '--json'], { TEMPORAL_CONFIG_FILE: first.profileFile, TEMPORAL_PROFILE: 'cluster' });
  expect(byProfile.stderr).toBe('');
  expect(byProfile.code).toBe(0);
  const temporal = (await findGoTool(TEMPORAL_CLI)) as string;
  const described = await exec(temporal, ['operator', 'namespace', 'describe', '--namespace', 'default', '--output', 'json'], {
    env: { PATH: process.env.PATH, HOME: dir, TEMPORAL_CONFIG_FILE: first.profileFile, TEMPORAL_PROFILE: 'cluster' },
  });
  expect(JSON.parse(described.stdout)).toMatchObject({ namespaceInfo: { name: 'default' } });
  const attributes = await exec(temporal, ['operator', 'search-attribute', 'list', '--output', 'json'], {
    env: { PATH: process.env.PATH, HOME: dir, TEMPORAL_CONFIG_FILE: first.profileFile, TEMPORAL_PROFILE: 'cluster' },
  });
  expect(attributes.stdout).toContain('HarnessStatus');

  // The Web UI server talks to the frontend over mTLS: its API lists the cluster's namespace.
  expect(first.uiUrl).not.toBeNull();
  const namespaces = await waitFor(
    async () => {
      const response = await fetch(`${first.uiUrl}/api/v1/namespaces`);
      return response.ok ? ((await response.json()) as { namespaces: { namespaceInfo: { name: string } }[] }) : null;
    },
    { timeoutMs: 30_000, what: 'the Web UI to list namespaces' },
  );
  expect(namespaces.namespaces.map((n) => n.namespaceInfo.name)).toContain('default');

  await stop(first);
  expect(await listening(first.variables.TEMPORAL_ADDRESS)).toBe(false);
  expect(first.output()).not.toMatch(/exited \(code/);

  const second = await startClusterCommand(dir, '--no-ui');
  expect(second.output()).toMatch(/reusing database harness_test_command\b/);
  await stop(second);

  const third = await startClusterCommand(dir, '--no-ui', '--reset');
  expect(third.output()).toMatch(/dropped database harness_test_command\b[\s\S]*created database harness_test_command\b/);
  await stop(third);
});

test('a bad PostgreSQL is one line and exit 1', async () => {
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [HARNESS_BIN, 'cluster', '--free-ports', '--no-ui', '--dir', '/tmp/harness-no-pg', '--database', 'harness_test_nopg'],
      {
        env: { ...process.env, PGPORT: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(/^harness: temporal-sql-tool .*harness_test_nopg/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
});
