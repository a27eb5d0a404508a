/**
 * API keys for the cluster's optional authorization (`--auth`): Temporal's default claim mapper
 * takes a JWT as the bearer token (what an SDK sends as its API key), checks its signature against
 * a JWKS it fetches over HTTP, and reads permissions such as `default:admin` from it. This module
 * makes the RSA key, serves its JWKS on loopback and signs keys, with node's own crypto.
 */
import { writeFileAt } from '../files/write-file-inside';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface ApiKeyIssuer {
  /** Where the frontend reads the public key (JWKS). */
  jwksUrl: string;
  /** A signed key for `subject` with Temporal permissions, e.g. ['temporal-system:admin'] or ['default:read']. */
  issue(subject: string, permissions: string[], ttlSeconds?: number): string;
  close(): Promise<void>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** The signing key in `dir` (made once, private file), its JWKS served on 127.0.0.1. */
export async function startApiKeyIssuer(dir: string): Promise<ApiKeyIssuer> {
  const file = path.join(dir, 'signing-key.pem');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFileAt(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, folderMode: 0o700, replace: false });
  }
  const privateKey = createPrivateKey(await fs.readFile(file));
  const kid = 'harness-cluster';
  const jwks = JSON.stringify({ keys: [{ ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    issue: (subject, permissions, ttlSeconds = 365 * 24 * 3600) => signJwt(privateKey, kid, subject, permissions, ttlSeconds),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function signJwt(key: KeyObject, kid: string, subject: string, permissions: string[], ttlSeconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify({ sub: subject, permissions, iat: now, exp: now + ttlSeconds, jti: randomUUID() }));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${base64url(signature)}`;
}
