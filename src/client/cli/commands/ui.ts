/**
 * `harness ui`: the approvals page (inbox, a run's gate, approve and reject, live), on loopback
 * unless told otherwise; `harness ui token NAME`: a sign-in token for one approver.
 */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readEnv } from '../../../config/env';
import { describeTarget } from '../../../config/temporal-profile';
import { allowedHosts } from '../../../net/host-guard';
import { isLoopback } from '../../../net/loopback';
import { connectClient } from '../../api/connect';
import { HarnessError } from '../../api/harness-error';
import { uiApp, SignIn } from '../../ui/app';
import { defaultTokenFile, issueToken, readTokenFile } from '../../ui/approver-tokens';
import { InboxFeed } from '../../ui/inbox-feed';
import { say, warn } from '../terminal';

export interface UiServeOptions {
  port: number;
  host?: string;
  allowedHost?: string[];
  tokens?: string;
  trustedHeader?: string;
  pollMs: number;
}

export async function uiTokenCommand(name: string, options: { tokens?: string }): Promise<void> {
  const file = options.tokens ?? defaultTokenFile();
  const issued = await issueToken(name, file);
  warn(`a sign-in token for ${issued.name} (kept in ${file} by its sha256 only; shown once):\n`);
  say(`${issued.token}\n`);
}

export async function uiServeCommand(options: UiServeOptions): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  const signIn: SignIn = options.trustedHeader
    ? { trustedHeader: options.trustedHeader.toLowerCase() }
    : { tokenFile: options.tokens ?? defaultTokenFile() };
  if (options.trustedHeader && isLoopback(host) && !options.allowedHost?.length)
    warn(`--trusted-header: only a proxy that sets ${options.trustedHeader} itself may reach this port\n`);
  if ('tokenFile' in signIn && !Object.keys((await readTokenFile(signIn.tokenFile)).tokens).length)
    warn(`no sign-in tokens in ${signIn.tokenFile} yet: issue one with \`harness ui token YOUR-NAME\`\n`);
  const h = await connectClient(readEnv());
  const feed = new InboxFeed(h, options.pollMs);
  await feed.start();
  let allowed = new Set<string>();
  const { app, close } = uiApp({ h, feed, signIn, allowedHosts: () => allowed });
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port, hostname: host }, () => resolve(started as Server)) as Server;
    started.once('error', (err) => reject(new HarnessError(`cannot listen on ${host}:${options.port}: ${err.message}`)));
  });
  const port = (server.address() as AddressInfo).port;
  allowed = allowedHosts(host, port, options.allowedHost);
  const shown = host.includes(':') ? `[${host}]` : host;
  warn(
    `harness ui on http://${shown}:${port}/ (Temporal at ${describeTarget(h.env)})${isLoopback(host) ? '' : '; not loopback: put it behind TLS'}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  feed.stop();
  close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
  // A follower may still be inside a Temporal call that the closed connection fails later: nothing is left to answer it.
  process.exit(0);
}
