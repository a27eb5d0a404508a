/**
 * Where Temporal is and how to reach it, read the way every Temporal tool reads it
 * (`@temporalio/envconfig`): a profile from the TOML config file (TEMPORAL_CONFIG_FILE, else
 * ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE picks one), then the TEMPORAL_* variables
 * over it. So one profile serves the `temporal` CLI and the harness alike.
 *
 * Loading the profile reads no certificate: commands that never connect must not fail on a
 * missing file. `temporalConnectOptions` reads and checks them when a connection is made, and
 * every problem becomes one line naming the setting, never a value (an API key must not reach a
 * terminal or a log).
 */
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import type { ConfigDataSource } from '@temporalio/envconfig';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { FileRefusedError } from '../files/file-refused';
import { readRegularFileSync } from '../files/read-regular-file';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './config-error';

export type TemporalProfile = ClientConfigProfile;

/** What a connection needs: the address and namespace, and the profile's TLS, API key and headers. */
export interface TemporalTarget {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE?: string;
  /** Absent: a plain connection to TEMPORAL_ADDRESS (the embedded dev server). */
  temporalProfile?: TemporalProfile;
}

/** Options both `Connection.connect` and `NativeConnection.connect` take. */
export interface TemporalConnectOptions {
  address: string;
  tls?: ReturnType<typeof toClientOptions>['connectionOptions']['tls'];
  apiKey?: string;
  metadata?: Record<string, string>;
}

/** The variables envconfig reads (the `temporal` CLI's names). */
export const isProfileVariable = (name: string): boolean =>
  /^TEMPORAL_(ADDRESS|NAMESPACE|API_KEY|PROFILE|CONFIG_FILE|TLS(_.*)?|CODEC_.*|GRPC_META_.*)$/.test(name);

const BOOLEAN_WORDS = new Set(['1', '0', 'true', 'false']);

/** The TOML file envconfig reads, as it finds it; for messages and the explicit-file check. */
export function temporalConfigFile(vars: NodeJS.ProcessEnv): string {
  if (vars.TEMPORAL_CONFIG_FILE) return vars.TEMPORAL_CONFIG_FILE;
  const configHome = vars.XDG_CONFIG_HOME || path.join(vars.HOME || os.homedir(), '.config');
  return path.join(configHome, 'temporalio', 'temporal.toml');
}

/** The profile from the config file and the TEMPORAL_* variables; ConfigError with one line. */
export function loadTemporalProfile(vars: NodeJS.ProcessEnv): TemporalProfile {
  const file = temporalConfigFile(vars);
  // envconfig treats a missing file as "no file"; one the user named must exist.
  if (vars.TEMPORAL_CONFIG_FILE && !existsSync(file)) throw new ConfigError(`TEMPORAL_CONFIG_FILE: no such file: ${file}`);
  // envconfig reads the file itself: a FIFO or a device there would hang every command.
  if (existsSync(file) && !statSync(file).isFile()) throw new ConfigError(`Temporal config file ${file}: not a regular file`);
  if (vars.TEMPORAL_TLS && !BOOLEAN_WORDS.has(vars.TEMPORAL_TLS.toLowerCase())) throw new ConfigError(`TEMPORAL_TLS: use true or false`);
  // Set but blank means unset (as for every harness variable), so a file's value is not blanked;
  // a blank namespace stays, to be refused by name.
  const definedVars = Object.fromEntries(
    Object.entries(vars).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && (entry[1] !== '' || !isProfileVariable(entry[0]) || entry[0] === 'TEMPORAL_NAMESPACE'),
    ),
  );
  let profile: TemporalProfile;
  try {
    profile = loadClientConfigProfile({
      overrideEnvVars: { ...definedVars, ...(vars.TEMPORAL_TLS ? { TEMPORAL_TLS: vars.TEMPORAL_TLS.toLowerCase() } : {}) },
      // A misspelt key would otherwise be ignored without a word.
      configFileStrict: true,
    });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    const missing = /^Profile '(.*)' not found/.exec(message);
    if (missing) throw new ConfigError(`TEMPORAL_PROFILE: no profile "${missing[1]}" in ${file}`);
    throw new ConfigError(`Temporal config file ${file}: ${message.replace(/^Validation error: /, '')}`);
  }
  return profile;
}

/** Says where a TLS setting came from: the variable when set, else the profile's key. */
function settingName(vars: NodeJS.ProcessEnv, variable: string, key: string): string {
  return vars[variable] !== undefined ? variable : `tls.${key} (profile ${vars.TEMPORAL_PROFILE || 'default'})`;
}

function readSource(source: ConfigDataSource | undefined, name: string): Buffer | undefined {
  if (!source) return undefined;
  if (!('path' in source)) return Buffer.from(source.data);
  try {
    return readRegularFileSync(source.path, { what: name, maxBytes: 1_000_000 }).bytes;
  } catch (err) {
    const reason = err instanceof FileRefusedError ? err.reason : (err as Error).message.split('\n')[0];
    throw new ConfigError(`${name}: cannot read ${source.path}: ${reason}`);
  }
}

function parseCertificate(pem: Buffer, name: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ConfigError(`${name}: not a PEM certificate`);
  }
}

/**
 * Connection options for the target, with every TLS file read and checked: it exists, parses,
 * and the client key belongs to the client certificate.
 */
export function temporalConnectOptions(target: TemporalTarget, vars: NodeJS.ProcessEnv = process.env): TemporalConnectOptions {
  const profile = target.temporalProfile;
  if (!profile) return { address: target.TEMPORAL_ADDRESS };
  const tls = profile.tls;
  if (tls && !tls.disabled) {
    const certName = settingName(
      vars,
      tls.clientCert && 'data' in tls.clientCert ? 'TEMPORAL_TLS_CLIENT_CERT_DATA' : 'TEMPORAL_TLS_CLIENT_CERT_PATH',
      'client_cert_path',
    );
    const keyName = settingName(
      vars,
      tls.clientKey && 'data' in tls.clientKey ? 'TEMPORAL_TLS_CLIENT_KEY_DATA' : 'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'client_key_path',
    );
    const caName = settingName(vars, 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'server_ca_cert_path');
    const cert = readSource(tls.clientCert, certName);
    const key = readSource(tls.clientKey, keyName);
    const ca = readSource(tls.serverCACert, caName);
    if (cert && !key) throw new ConfigError(`${certName} is set but no client key: set TEMPORAL_TLS_CLIENT_KEY_PATH too`);
    if (key && !cert) throw new ConfigError(`${keyName} is set but no client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH too`);
    if (ca) parseCertificate(ca, caName);
    if (cert && key) {
      const certificate = parseCertificate(cert, certName);
      let privateKey;
      try {
        privateKey = createPrivateKey(key);
      } catch {
        throw new ConfigError(`${keyName}: not a PEM private key`);
      }
      if (!certificate.checkPrivateKey(privateKey))
        throw new ConfigError(`${keyName}: the key does not match the client certificate ${certName}`);
    }
  }
  const { connectionOptions } = toClientOptions({ ...profile, address: target.TEMPORAL_ADDRESS });
  return {
    address: target.TEMPORAL_ADDRESS,
    ...(connectionOptions.tls !== undefined ? { tls: connectionOptions.tls } : {}),
    ...(profile.apiKey !== undefined ? { apiKey: profile.apiKey } : {}),
    ...(profile.grpcMeta ? { metadata: profile.grpcMeta } : {}),
  };
}

/** True when the profile asks for TLS or an API key: a server no dev server could stand in for. */
export function isSecured(target: TemporalTarget): boolean {
  return tlsOn(target.temporalProfile) || target.temporalProfile?.apiKey !== undefined;
}

// As envconfig decides: an explicit tls table unless disabled, else TLS whenever there is an API key.
const tlsOn = (profile?: TemporalProfile) => (profile?.tls ? !profile.tls.disabled : profile?.apiKey !== undefined);

/** How the target is reached, for messages: "127.0.0.1:7233 (mTLS, API key)". Never a secret. */
export function describeTarget(target: TemporalTarget): string {
  const profile = target.temporalProfile;
  const traits = [
    ...(tlsOn(profile) ? [profile?.tls?.clientCert ? 'mTLS' : 'TLS'] : []),
    ...(profile?.apiKey !== undefined ? ['API key'] : []),
  ];
  return `${target.TEMPORAL_ADDRESS}${traits.length ? ` (${traits.join(', ')})` : ''}`;
}
