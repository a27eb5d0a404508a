/**
 * Readiness of a server that is slow to start: a frontend that refuses connections for a while and
 * then answers is seen by the first probe after it answers (each probe dials on a channel of its
 * own, so no reconnect backoff carries over from the refusals), and a server that never gets ready
 * fails with what was seen: the last probe's error, who holds the port, the end of its log.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { probeServer, startDevServer } from '../../src/dev-server/dev-server';
import { freePort } from '../../src/dev-server/free-port';
import { tempDir, testAddress } from '../helpers/temporal';

/** A frontend that answers late: nothing listens on `port` until open(), then it forwards to the suite's server. */
function lateFrontend(port: number) {
  const [host, target] = [testAddress().replace(/:\d+$/, ''), Number(testAddress().split(':').pop())];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, host);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return {
    open: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve())),
    // close() waits for open connections: the probe's gRPC channel may keep one a while.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        sockets.forEach((socket) => socket.destroy());
      }),
  };
}

test('a frontend that answers late is seen by the first probe after it answers', async () => {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const frontend = lateFrontend(port);
  // Refusals long enough that a shared subchannel's reconnect backoff would outlast the next probe.
  const until = Date.now() + 17_000;
  let refused = 0;
  while (Date.now() < until) {
    expect(await probeServer(address, 1_000)).not.toBeNull();
    refused++;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await frontend.open();
  try {
    expect(await probeServer(address, 3_000)).toBeNull();
    expect(refused).toBeGreaterThan(5);
  } finally {
    await frontend.close();
  }
}, 60_000);

test('a server that exits before it is ready says what was seen, on one line', async () => {
  const dir = await tempDir('late-server');
  const fake = path.join(dir, 'temporal');
  await fs.writeFile(fake, '#!/bin/sh\necho "Server:  localhost:1"\necho "the frontend could not bind: simulated"\nexit 3\n', {
    mode: 0o755,
  });
  const port = await freePort();
  const saved = process.env.TEMPORAL_CLI;
  process.env.TEMPORAL_CLI = fake;
  try {
    const logFile = path.join(dir, 'server.log');
    const failure = await startDevServer({ address: `127.0.0.1:${port}`, logFile, log: () => undefined }).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(failure).toMatch(
      new RegExp(
        `^temporal dev server exited with code 3 before it was ready: last probe: .+; nothing listens on port ${port}; log .*server\\.log ends: Server:\\s+localhost:1 \\| the frontend could not bind: simulated$`,
      ),
    );
    expect(failure!.split('\n')).toHaveLength(1);
  } finally {
    if (saved === undefined) delete process.env.TEMPORAL_CLI;
    else process.env.TEMPORAL_CLI = saved;
  }
});
