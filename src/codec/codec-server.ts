/**
 * The remote codec server Temporal Web and the `temporal` CLI call to show encrypted payloads:
 * POST /encode and /decode with `{"payloads": [...]}` in protobuf JSON, answered with the same.
 * The browser calls it from the UI's origin, so CORS allows exactly the origins given; an
 * optional bearer token keeps anyone else who can reach the port from decrypting history.
 */
import { ConfigError } from '../config/config-error';
import { isLoopback } from '../net/loopback';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** Temporal keeps payloads under 2 MB; a batch of them fits well under this. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  host: string;
  port: number;
  /** Origins allowed to call from a browser (Temporal Web's), e.g. http://localhost:8233. */
  origins: string[];
  /** When set, every call must carry `Authorization: Bearer <token>`. */
  token?: string;
}

export interface RunningCodecServer {
  url: string;
  close(): Promise<void>;
}

const { Payload: PayloadMessage } = temporal.api.common.v1;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  // Whoever reaches this server can decrypt history: off loopback, only with a token that is really one.
  if (options.token !== undefined && options.token.trim() === '')
    throw new ConfigError('HARNESS_CODEC_SERVER_TOKEN is blank: a blank token would let anyone decrypt; set a real one or unset it');
  if (options.token === undefined && !isLoopback(options.host))
    throw new ConfigError(
      `refusing to serve the codec on ${options.host} without a token: anyone who reaches it could decrypt history; set HARNESS_CODEC_SERVER_TOKEN or bind loopback`,
    );
  const server = createServer((request, response) => {
    handle(options, request, response).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!response.headersSent) send(response, status, { error: err instanceof Error ? err.message : String(err) });
    });
  });
  await listen(server, options.host, options.port);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`the codec server's port ${host}:${port} is in use: choose another (--port; --codec-port for harness server)`)
          : err,
      ),
    );
    server.listen(port, host, () => resolve());
  });
}

async function handle(options: CodecServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const origin = request.headers.origin;
  if (origin && options.origins.includes(origin)) {
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Access-Control-Allow-Credentials', 'true');
    response.setHeader('Vary', 'Origin');
  }
  if (request.method === 'OPTIONS') {
    response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    response.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace');
    response.setHeader('Access-Control-Max-Age', '600');
    return void response.writeHead(204).end();
  }
  const route = new URL(request.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
  if (request.method !== 'POST' || !/\/(en|de)code$/.test(route)) throw new HttpError(404, 'POST /encode or /decode');
  if (origin && !options.origins.includes(origin)) throw new HttpError(403, `origin ${origin} is not allowed`);
  if (options.token !== undefined && !bearerMatches(request.headers.authorization, options.token))
    throw new HttpError(401, 'a bearer token is required (Authorization: Bearer …)');

  const payloads = parsePayloads(await readBody(request));
  const direction = route.endsWith('/encode') ? 'encode' : 'decode';
  let converted: Payload[];
  try {
    converted = await options.codec[direction](payloads);
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
  send(response, 200, { payloads: converted.map((p) => PayloadMessage.toObject(PayloadMessage.fromObject(p), { bytes: String })) });
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parsePayloads(body: string): Payload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'the body is not JSON: {"payloads": [...]}');
  }
  const list = (parsed as { payloads?: unknown })?.payloads;
  if (!Array.isArray(list)) throw new HttpError(400, 'expected {"payloads": [...]}');
  try {
    return list.map((p) => PayloadMessage.fromObject(p as object));
  } catch (err) {
    throw new HttpError(400, `not a payload: ${(err as Error).message}`);
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
