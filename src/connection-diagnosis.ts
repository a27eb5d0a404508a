/**
 * Why a connection to Temporal failed, found by trying the layers one at a time: does anything
 * listen (TCP), does the TLS handshake agree (node's own TLS, with the same CA, server name and
 * client certificate the connection used), or does the server want TLS that was not configured.
 * The gRPC clients only say "failed to connect"; this turns that into the sentence a user needs.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TemporalConnectOptions } from './config/temporal-profile';

export type Diagnosis =
  | { kind: 'unreachable' }
  /** The server answered and the connection cannot work as configured: waiting will not help. */
  | { kind: 'misconfigured'; reason: string }
  /** TCP and TLS both agree: the failure was elsewhere (a slow server, a proxy). */
  | { kind: 'unknown' };

const PROBE_TIMEOUT_MS = 3_000;

function splitHostPort(address: string): { host: string; port: number } {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(address);
  return { host: match?.[1] ?? address, port: Number(match?.[2] ?? 7233) };
}

/** True when something accepts a TCP connection there within the probe's timeout. */
export function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(PROBE_TIMEOUT_MS);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** A TLS handshake with the given options; null when it succeeded, else node's reason. */
function handshake(host: string, port: number, options: tls.ConnectionOptions): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, ALPNProtocols: ['h2'], ...options });
    socket.setTimeout(PROBE_TIMEOUT_MS);
    // A server that requires a client certificate says so after the handshake, in an alert
    // arriving with the first read; wait briefly for it.
    socket.once('secureConnect', () => setTimeout(() => (socket.destroy(), resolve(null)), 300));
    socket.once('error', (err) => (socket.destroy(), resolve(err.message)));
    socket.once('timeout', () => (socket.destroy(), resolve('no TLS answer')));
  });
}

const isIp = (host: string) => net.isIP(host) !== 0;

/** Why the TLS handshake failed, in the user's words, with the setting to look at. */
function explainTlsFailure(reason: string): string {
  if (/wrong version number|packet length too long|unknown protocol/i.test(reason))
    return 'the server does not speak TLS: unset TEMPORAL_TLS, TEMPORAL_API_KEY and the certificates, or use its TLS address';
  if (/certificate required|alert number 116|handshake failure|alert number 40/i.test(reason))
    return 'the server requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH';
  if (/unknown ca|alert number 48|bad certificate|alert number 42/i.test(reason))
    return 'the server does not accept the client certificate (not signed by a CA it trusts)';
  if (/altnames|does not match|Hostname\/IP/i.test(reason))
    return `the server's certificate is not for this name (${reason.split(':')[0]}): set TEMPORAL_TLS_SERVER_NAME`;
  if (/self[- ]signed|unable to (get|verify)|certificate/i.test(reason))
    return `the server's certificate is not trusted (${reason}): set TEMPORAL_TLS_SERVER_CA_CERT_PATH to its CA`;
  return `TLS handshake failed: ${reason}`;
}

export async function diagnoseConnection(options: TemporalConnectOptions): Promise<Diagnosis> {
  const { host, port } = splitHostPort(options.address);
  if (!(await isListening(host, port))) return { kind: 'unreachable' };
  if (!options.tls) {
    // Plain was asked for: a server that completes a TLS handshake wants TLS.
    const asTls = await handshake(host, port, { rejectUnauthorized: false, ...(isIp(host) ? {} : { servername: host }) });
    if (asTls === null || /certificate required|alert/i.test(asTls))
      return { kind: 'misconfigured', reason: 'the server wants TLS: set TEMPORAL_TLS=true (and its certificates, or TEMPORAL_API_KEY)' };
    return { kind: 'unknown' };
  }
  const config = options.tls === true ? {} : options.tls;
  const servername = config.serverNameOverride ?? (isIp(host) ? undefined : host);
  const reason = await handshake(host, port, {
    ...(servername ? { servername } : {}),
    ...(config.serverRootCACertificate ? { ca: Buffer.from(config.serverRootCACertificate) } : {}),
    ...(config.clientCertPair ? { cert: Buffer.from(config.clientCertPair.crt), key: Buffer.from(config.clientCertPair.key) } : {}),
    // With no server name (an IP address), node checks the certificate against the IP itself.
  });
  return reason === null ? { kind: 'unknown' } : { kind: 'misconfigured', reason: explainTlsFailure(reason) };
}
