/**
 * Whether a bind address or a Host name stays on this machine: `localhost`, all of 127.0.0.0/8,
 * `::1` and the IPv4-mapped 127 addresses, judged by value rather than by a list of spellings
 * (`127.0.0.2` and `0:0:0:0:0:0:0:1` are loopback; `0.0.0.0` and `::` are every interface).
 */
import { isIPv4, isIPv6 } from 'node:net';

export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIPv4(name)) return name.startsWith('127.');
  if (!isIPv6(name)) return false;
  // The URL parser writes an IPv6 address in its one canonical form: ::1, or ::ffff:7fxx:xxxx for 127.x.x.x.
  const canonical = new URL(`http://[${name}]/`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
}
