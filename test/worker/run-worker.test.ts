/**
 * `harness worker` honours SIGTERM in every phase: while it waits for a server that does not
 * answer yet, and while it polls. It exits promptly and cleanly, never lingering.
 */
import { spawn } from 'node:child_process';
import { freeLoopbackAddress } from '../../src/dev-server/free-port';
import { waitFor } from '../../src/client/api/wait-for';
import { HARNESS_BIN, spawnWorkerProcess } from '../helpers/processes';
import { tempDir, testAddress, uniqueName } from '../helpers/temporal';

function exitOf(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

test('SIGTERM while the worker waits for its server ends it at once, exit 0', async () => {
  const child = spawn(process.execPath, [HARNESS_BIN, 'worker'], {
    env: { ...process.env, TEMPORAL_ADDRESS: await freeLoopbackAddress(), HARNESS_CONNECT_TIMEOUT_MS: '600000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  try {
    await waitFor(async () => output.includes('waiting for Temporal'), { timeoutMs: 30_000, what: 'the worker to wait for its server' });
    child.kill('SIGTERM');
    // Far below the 600 s it would linger for, and far above a busy machine's exit.
    const exit = await within(60_000, 'exit after SIGTERM', exitOf(child));
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/SIGTERM: shutting down/);
    expect(output).toMatch(/stopped before it connected/);
  } finally {
    child.kill('SIGKILL');
  }
});

test('SIGTERM while the worker polls shuts it down gracefully, exit 0', async () => {
  const worker = await spawnWorkerProcess({
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: uniqueName('sigterm'),
    HARNESS_OUTPUT_DIR: await tempDir('sigterm'),
  });
  try {
    worker.child.kill('SIGTERM');
    const exit = await within(35_000, 'exit after SIGTERM', exitOf(worker.child));
    expect(exit).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/harness worker: stopped/);
  } finally {
    await worker.kill('SIGKILL');
  }
});
