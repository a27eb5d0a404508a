/**
 * The cluster's mTLS material, made with openssl: a CA, a server certificate for the frontend
 * (valid for localhost and 127.0.0.1) and a client certificate for the harness, the `temporal`
 * CLI, the Web UI and the other services. Made once per folder; a later start reuses them.
 */
import { writeFileAt } from '../files/write-file-inside';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClusterCertificates {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export function certificatePaths(dir: string): ClusterCertificates {
  const at = (name: string) => path.join(dir, name);
  return {
    dir,
    caCert: at('ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
  };
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '')
      .trim()
      .split('\n')[0];
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message.split('\n')[0]}`);
  }
}

/** A key and a certificate signed by the CA, with the given subject alternative names and usage. */
async function issue(dir: string, name: string, subject: string, extensions: string[]): Promise<void> {
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  await writeFileAt(path.join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '825',
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
  await fs.rm(path.join(dir, `${name}.csr`));
  await fs.chmod(path.join(dir, `${name}.key`), 0o600);
}

/** The certificates in `dir`, made now when any is missing. */
export async function ensureCertificates(dir: string): Promise<ClusterCertificates> {
  const paths = certificatePaths(dir);
  const files = [paths.caCert, paths.serverCert, paths.serverKey, paths.clientCert, paths.clientKey];
  if (files.every((file) => existsSync(file))) return paths;
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '825',
      '-sha256',
      '-subj',
      '/CN=durable-harness cluster CA',
    ],
    dir,
  );
  await fs.chmod(path.join(dir, 'ca.key'), 0o600);
  await issue(dir, 'server', '/CN=localhost', [
    'basicConstraints=CA:FALSE',
    'keyUsage=digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  await issue(dir, 'client', '/CN=harness', [
    'basicConstraints=CA:FALSE',
    'keyUsage=digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
  ]);
  return paths;
}
