/** A TCP port free on loopback right now, for the servers tests, chaos and benchmarks start. */
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const freeLoopbackAddress = async (): Promise<string> => `127.0.0.1:${await freePort()}`;
