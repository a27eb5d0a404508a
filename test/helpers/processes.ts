/** Real subprocesses: the built `harness` bin, as a user or CI runs it. */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '../../src/client/api/wait-for';

export const HARNESS_BIN = path.resolve(__dirname, '../../bin/harness.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runHarness(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<CliResult> {
  return runNode([HARNESS_BIN, ...args], env, timeoutMs);
}

/** A built script under dist/ (chaos, record-histories), run as its own process. */
export function runHarnessScript(script: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runNode([path.resolve(__dirname, '../..', script), ...args], env, timeoutMs);
}

/** `node <args>` to the end, with what it printed. */
export function runNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** A `harness` command as its own process; resolves once its output matches `ready`. */
export function spawnHarnessUntil(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs: number): Promise<WorkerProcess> {
  return spawnNodeUntil([HARNESS_BIN, ...args], env, ready, timeoutMs);
}

/** `node <args>` as its own process; resolves once its output matches `ready`. */
export async function spawnNodeUntil(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs: number): Promise<WorkerProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited early: ${output}`);
      return ready.test(output);
    },
    { timeoutMs, what: `${args.join(' ')} to be ready` },
  );
  return {
    child,
    output: () => output,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** `harness worker` as its own process; resolves once it says it is polling. */
export function spawnWorkerProcess(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  return spawnHarnessUntil(['worker'], env, /harness worker: task queue|"message":"task queue/, 30_000);
}
