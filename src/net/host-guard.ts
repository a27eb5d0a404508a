/**
 * Which requests a harness HTTP server answers, whatever address it is bound to: the Host header
 * must name this server (a page whose DNS name was rebound to this machine is refused), and an
 * Origin, which a browser sends with its requests, must be one of those same names: a page on
 * another site cannot drive the server through its visitor's browser. Clients that are not
 * browsers send no Origin and are judged by Host alone.
 */
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import { isLoopback } from './loopback';

const bracketed = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/**
 * The `host:port` values this server answers to: on loopback, every loopback name; on a wildcard
 * address, this machine's interface addresses and name; otherwise the address it is bound to.
 * `extra` adds names a proxy or DNS gives it (`mcp.example.com`, with or without a port).
 */
export function allowedHosts(bindHost: string, port: number, extra: string[] = []): Set<string> {
  const names = new Set<string>([bindHost]);
  if (isLoopback(bindHost)) ['localhost', '127.0.0.1', '::1'].forEach((n) => names.add(n));
  if (bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '') {
    ['localhost', os.hostname()].forEach((n) => names.add(n));
    for (const infos of Object.values(os.networkInterfaces())) for (const info of infos ?? []) names.add(info.address);
  }
  const allowed = new Set([...names].filter(Boolean).map((n) => `${bracketed(n)}:${port}`.toLowerCase()));
  for (const name of extra) allowed.add((/:\d+$/.test(name) && !name.endsWith(']') ? name : `${bracketed(name)}:${port}`).toLowerCase());
  return allowed;
}

/** Why this request is refused (a foreign Host, a foreign or opaque Origin), or null. */
export function hostRefusal(request: IncomingMessage, allowed: Set<string>): string | null {
  const host = (request.headers.host ?? '').toLowerCase();
  if (!allowed.has(host)) return `Host ${JSON.stringify(host.slice(0, 100))} is not this server`;
  const origin = request.headers.origin;
  if (origin === undefined) return null;
  let originHost: string | null = null;
  try {
    const url = new URL(origin);
    if (url.protocol === 'http:' || url.protocol === 'https:')
      originHost = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  } catch {
    // An opaque origin ("null", a sandboxed frame) is refused below.
  }
  if (!originHost || !allowed.has(originHost.toLowerCase())) return `Origin ${JSON.stringify(origin.slice(0, 100))} is not allowed`;
  return null;
}
