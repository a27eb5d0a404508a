/**
 * Starts an observability backend the project runs itself (Jaeger, Prometheus) as a child process
 * and waits until its HTTP endpoint answers; the caller stops what it started, and only that.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stopProcess } from '../stop-process';

export interface BackendOptions {
  name: string;
  binary: string;
  args: string[];
  /** A configuration file written (in its folder) before the backend starts. */
  config: { file: string; text: string };
  /** Output goes here, so a failed start can point at it. */
  logFile: string;
  /** A URL that answers 2xx once the backend is ready. */
  readyUrl: string;
  readyDeadlineMs?: number;
}

export interface RunningBackend {
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startBackend(options: BackendOptions): Promise<RunningBackend> {
  await fs.mkdir(path.dirname(options.config.file), { recursive: true });
  await fs.writeFile(options.config.file, options.config.text);
  await fs.mkdir(path.dirname(options.logFile), { recursive: true });
  const output = await fs.open(options.logFile, 'a');
  const child = spawn(options.binary, options.args, { stdio: ['ignore', output.fd, output.fd] });
  await output.close();
  let exitCode: number | null = null;
  child.on('exit', (code) => (exitCode = code ?? -1));
  const deadline = Date.now() + (options.readyDeadlineMs ?? 60_000);
  while (!(await answers(options.readyUrl))) {
    if (exitCode !== null) throw new Error(`${options.name} exited with code ${exitCode} before it was ready (log: ${options.logFile})`);
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${options.name} did not answer at ${options.readyUrl} in time (log: ${options.logFile})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { pid: child.pid, stop: () => stopProcess(child) };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}
