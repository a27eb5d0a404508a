/**
 * Starts a backend the project runs itself (Jaeger, Prometheus, the cluster's Temporal services
 * and Web UI) as a child process and waits until it is ready; the caller stops what it started,
 * and only that.
 */
import { writeFileAt } from './files/write-file-inside';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stopProcess } from './stop-process';

export interface BackendOptions {
  name: string;
  binary: string;
  args: string[];
  /** A configuration file written (in its folder) before the backend starts. */
  config?: { file: string; text: string };
  /** Output goes here (appended), so a failed start can point at it. */
  logFile: string;
  /** A URL that answers 2xx once the backend is ready, or a check of readiness. */
  readyUrl?: string;
  isReady?: () => Promise<boolean>;
  readyDeadlineMs?: number;
}

export interface RunningBackend {
  pid: number | undefined;
  /** SIGTERM, then SIGKILL if it will not go. */
  stop(): Promise<void>;
  /** Sends the signal and waits for the exit (chaos: SIGKILL a service). */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Resolves when the process exits, for whatever reason. */
  exited: Promise<number | null>;
}

export async function startBackend(options: BackendOptions): Promise<RunningBackend> {
  if (options.config) {
    await writeFileAt(options.config.file, options.config.text);
  }
  const isReady = options.isReady ?? (() => answers(options.readyUrl as string));
  await fs.mkdir(path.dirname(options.logFile), { recursive: true });
  const output = await fs.open(options.logFile, 'a');
  const child = spawn(options.binary, options.args, { stdio: ['ignore', output.fd, output.fd] });
  // Listened for before anything is awaited: an exit during the await would go unheard.
  let exitCode: number | null = null;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code ?? -1;
      resolve(code);
    }),
  );
  await output.close();
  const deadline = Date.now() + (options.readyDeadlineMs ?? 60_000);
  while (!(await isReady())) {
    if (exitCode !== null) throw new Error(`${options.name} exited with code ${exitCode} before it was ready (log: ${options.logFile})`);
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${options.name} was not ready in time (log: ${options.logFile})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: child.pid,
    exited,
    stop: () => stopProcess(child),
    kill: async (signal) => {
      if (exitCode === null) child.kill(signal);
      await exited;
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}
