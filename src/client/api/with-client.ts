/** Runs a command body with a connected client and always closes the connection. */
import { readEnv } from '../../config/env';
import { connectClient, HarnessClient } from './connect';

export async function withClient<T>(body: (h: HarnessClient) => Promise<T>): Promise<T> {
  const h = await connectClient(readEnv());
  try {
    return await body(h);
  } finally {
    await h.close();
  }
}
