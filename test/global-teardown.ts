/** Stops the suite's dev server, if the setup started one. */
import type { RunningServer } from '../src/dev-server/dev-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>).__HARNESS_TEST_SERVER__ as RunningServer | undefined;
  await server?.stop();
}
