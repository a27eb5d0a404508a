/** Connects the CLI to Temporal with a short deadline and a message that says what to do. */
import { Client, Connection } from '@temporalio/client';
import type { HarnessEnv } from '../../config/env';
import { HarnessError } from './harness-error';

export interface HarnessClient {
  client: Client;
  connection: Connection;
  env: HarnessEnv;
  close(): Promise<void>;
}

export async function connectClient(env: HarnessEnv): Promise<HarnessClient> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: 5_000 });
  } catch {
    throw new HarnessError(`cannot reach Temporal at ${env.TEMPORAL_ADDRESS}: start one with \`harness server\` or set TEMPORAL_ADDRESS`);
  }
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  return { client, connection, env, close: () => connection.close() };
}
