/** A connected client for front ends (CLI, demo, tests, bench): the connection, its namespace and task queue. */
import { Client, Connection } from '@temporalio/client';
import type { HarnessEnv } from '../../config/env';
import { harnessDataConverter } from '../../codec/data-converter';
import { processTracing } from '../../telemetry/tracing';
import { connectClientConnection, UnreachableError } from '../../temporal-connection';
import { HarnessError } from './harness-error';

export interface HarnessClient {
  client: Client;
  connection: Connection;
  env: HarnessEnv;
  close(): Promise<void>;
}

export async function connectClient(env: HarnessEnv): Promise<HarnessClient> {
  const connection = await connectClientConnection(env).catch((err) => {
    throw err instanceof UnreachableError ? new HarnessError(err.message) : err;
  });
  const tracing = processTracing('cli');
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: harnessDataConverter(env),
    ...(tracing ? { interceptors: { workflow: tracing.clientInterceptors } } : {}),
  });
  return { client, connection, env, close: () => connection.close() };
}
