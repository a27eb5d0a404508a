/**
 * The payload codec on its own: key settings refused in one line, ciphertext that names its key
 * and detects tampering, and the codec server's CORS and bearer-token rules over real HTTP.
 */
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadCodecKeys, newCodecKeyEntry, parseCodecKeys } from '../../src/codec/codec-keys';
import { RunningCodecServer, startCodecServer } from '../../src/codec/codec-server';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { tempDir } from '../helpers/temporal';

const K1 = newCodecKeyEntry('k1');
const K2 = newCodecKeyEntry('k2');
const MARKER = 'the heron counts seventeen lanterns';
const plain = (): Payload[] => [defaultPayloadConverter.toPayload({ note: MARKER })];
const json = (p: Payload) => defaultPayloadConverter.fromPayload(p);

describe('keys', () => {
  test('the first entry encrypts; entries come by commas or lines, with comments', () => {
    const keys = parseCodecKeys(`# rotated 2026-11\n${K2}\n${K1}, `, 'HARNESS_CODEC_KEYS');
    expect(keys.encryptingId).toBe('k2');
    expect([...keys.byId.keys()]).toEqual(['k2', 'k1']);
  });

  test.each([
    ['', /no keys/],
    ['k1', /expected id:base64key/],
    ['k 1:AAAA', /expected id:base64key/],
    ['k1:c2hvcnQ=', /must be 32 bytes in base64/],
    [`${K1},${K1}`, /key id "k1" appears twice/],
  ])('%j is refused in one line that shows no key', (text, problem) => {
    let message = '';
    try {
      parseCodecKeys(text, 'HARNESS_CODEC_KEYS');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(problem);
    expect(message).toMatch(/^HARNESS_CODEC_KEYS/);
    expect(message).not.toContain(K1.slice(3));
  });

  test('a key file must be private; both settings at once is a mistake', async () => {
    const file = path.join(await tempDir('codec-keys'), 'keys');
    await fs.writeFile(file, `${K1}\n`, { mode: 0o644 });
    expect(() => loadCodecKeys({ HARNESS_CODEC_KEYS_FILE: file })).toThrow(/can be read by others; make it private \(chmod 600\)/);
    await fs.chmod(file, 0o600);
    expect(loadCodecKeys({ HARNESS_CODEC_KEYS_FILE: file })?.encryptingId).toBe('k1');
    expect(() => loadCodecKeys({ HARNESS_CODEC_KEYS: K1, HARNESS_CODEC_KEYS_FILE: file })).toThrow(/both set: give one/);
    expect(() => loadCodecKeys({ HARNESS_CODEC_KEYS_FILE: `${file}.missing` })).toThrow(/HARNESS_CODEC_KEYS_FILE not found: /);
    expect(loadCodecKeys({})).toBeNull();
  });
});

describe('codec', () => {
  test('ciphertext hides the payload, names its key, and decrypts after rotation', async () => {
    const [sealed] = await new EncryptionCodec(parseCodecKeys(K1, 'k')).encode(plain());
    expect(Buffer.from(sealed.data!).toString('latin1')).not.toContain('heron');
    expect(Buffer.from(sealed.metadata!['encryption-key-id']).toString()).toBe('k1');
    const rotated = new EncryptionCodec(parseCodecKeys(`${K2},${K1}`, 'k'));
    expect(json((await rotated.decode([sealed]))[0])).toEqual({ note: MARKER });
    const [resealed] = await rotated.encode(plain());
    expect(Buffer.from(resealed.metadata!['encryption-key-id']).toString()).toBe('k2');
  });

  test('without its key, or altered, a payload fails with one line naming the key', async () => {
    const [sealed] = await new EncryptionCodec(parseCodecKeys(K1, 'k')).encode(plain());
    await expect(new EncryptionCodec(null).decode([sealed])).rejects.toThrow(/encrypted \(key "k1"\) and this process has no codec keys/);
    await expect(new EncryptionCodec(parseCodecKeys(K2, 'k')).decode([sealed])).rejects.toThrow(
      /encrypted with key "k1", which is not among this process's codec keys \(k2\)/,
    );
    const altered = { ...sealed, data: Buffer.from(sealed.data!).fill(7, 20, 21) };
    await expect(new EncryptionCodec(parseCodecKeys(K1, 'k')).decode([altered])).rejects.toThrow(/does not decrypt with it/);
    // Off: plaintext passes both ways, so a run from before the codec stays readable.
    expect(await new EncryptionCodec(parseCodecKeys(K1, 'k')).decode(plain())).toEqual(plain());
  });
});

describe('codec server', () => {
  const ORIGIN = 'http://localhost:8233';
  let server: RunningCodecServer;
  beforeAll(async () => {
    server = await startCodecServer({
      codec: new EncryptionCodec(parseCodecKeys(K1, 'k')),
      host: '127.0.0.1',
      port: 0,
      origins: [ORIGIN],
      token: 'sesame',
    });
  });
  afterAll(() => server?.close());

  const call = (route: string, init: RequestInit = {}) => fetch(`${server.url}${route}`, { method: 'POST', ...init });
  const asJson = (payloads: Payload[]) =>
    JSON.stringify({
      payloads: payloads.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(p.data ?? []).toString('base64'),
      })),
    });

  test('encode then decode round-trips for the UI origin with the token', async () => {
    const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer sesame', Origin: ORIGIN };
    const encoded = await call('/encode', { headers, body: asJson(plain()) });
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const sealed = (await encoded.json()) as { payloads: unknown[] };
    expect(JSON.stringify(sealed)).not.toContain('heron');
    const decoded = await call('/decode', { headers, body: JSON.stringify(sealed) });
    const [payload] = ((await decoded.json()) as { payloads: { data: string }[] }).payloads;
    expect(JSON.parse(Buffer.from(payload.data, 'base64').toString())).toEqual({ note: MARKER });
  });

  test('the preflight names what the browser may send; other origins, missing tokens and junk are refused', async () => {
    const preflight = await call('/decode', { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect((await call('/decode', { headers: { Origin: 'http://evil.example', Authorization: 'Bearer sesame' }, body: '{}' })).status).toBe(
      403,
    );
    expect((await call('/decode', { body: asJson(plain()) })).status).toBe(401);
    expect((await call('/decode', { headers: { Authorization: 'Bearer sesamf' }, body: asJson(plain()) })).status).toBe(401);
    const junk = await call('/decode', { headers: { Authorization: 'Bearer sesame' }, body: 'not json' });
    expect([junk.status, ((await junk.json()) as { error: string }).error]).toEqual([400, 'the body is not JSON: {"payloads": [...]}']);
    expect((await call('/other', { headers: { Authorization: 'Bearer sesame' } })).status).toBe(404);
  });
});

describe('who the codec server answers', () => {
  const codec = () => new EncryptionCodec(parseCodecKeys(K1, 'HARNESS_CODEC_KEYS'));

  test.each([
    ['0.0.0.0', undefined, /refusing to serve the codec on 0\.0\.0\.0 without a token/],
    ['::', undefined, /refusing to serve the codec on :: without a token/],
    ['127.0.0.1', '   ', /HARNESS_CODEC_SERVER_TOKEN is blank/],
    ['0.0.0.0', '', /HARNESS_CODEC_SERVER_TOKEN is blank/],
  ])('host %s with token %j is refused before it listens', async (host, token, message) => {
    await expect(startCodecServer({ codec: codec(), host, port: 0, origins: [], token })).rejects.toThrow(message);
  });

  test('any loopback address serves without a token; off loopback a real token is required', async () => {
    const onLoopback = await startCodecServer({ codec: codec(), host: '127.0.0.2', port: 0, origins: [] });
    await onLoopback.close();
    const withToken = await startCodecServer({ codec: codec(), host: '0.0.0.0', port: 0, origins: [], token: 'a-real-token' });
    await withToken.close();
  });

  test('harness codec-server --host 0.0.0.0 without a token: one line, exit 1', async () => {
    const { runHarness } = await import('../helpers/processes');
    const result = await runHarness(['codec-server', '--host', '0.0.0.0', '--port', '0'], { HARNESS_CODEC_KEYS: K1 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^harness: refusing to serve the codec on 0\.0\.0\.0 without a token: .*HARNESS_CODEC_SERVER_TOKEN/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('what workflow code is handed when a payload cannot be read', () => {
  test('the marking codec and the tolerant converter turn junk into a value naming why, never an exception', async () => {
    const { payloadConverter } = await import('../../src/shared/payload-converter');
    const { isUndecodable } = await import('../../src/shared/undecodable');
    const marking = new EncryptionCodec(parseCodecKeys(K1, 'HARNESS_CODEC_KEYS')).marking();
    const utf8 = (s: string) => new TextEncoder().encode(s);
    const junk = (keyId: string): Payload => ({
      metadata: { encoding: utf8('binary/encrypted'), 'encryption-key-id': utf8(keyId) },
      data: utf8('junk'),
    });
    const [altered, unknownKey] = await marking.decode([junk('k1'), junk('nope')]);
    const values = [altered, unknownKey, { metadata: { encoding: utf8('binary/garbage') }, data: utf8('x') }].map((p) =>
      payloadConverter.fromPayload<unknown>(p),
    );
    expect(values.every(isUndecodable)).toBe(true);
    expect(values.map((v) => (v as { missingKey: string | null }).missingKey)).toEqual([null, 'nope', null]);
    expect((values[0] as { reason: string }).reason).toMatch(/does not decrypt with it/);
    expect((values[2] as { reason: string }).reason).toMatch(/encoding "binary\/garbage" could not be decoded/);
    // JSON cannot forge the mark; ordinary payloads are untouched.
    expect(isUndecodable(payloadConverter.fromPayload(defaultPayloadConverter.toPayload({ reason: 'x', missingKey: null })))).toBe(false);
    expect(payloadConverter.fromPayload(defaultPayloadConverter.toPayload({ note: MARKER }))).toEqual({ note: MARKER });
    // A client's codec still says it in one line.
    await expect(new EncryptionCodec(parseCodecKeys(K1, 'HARNESS_CODEC_KEYS')).decode([junk('k1')])).rejects.toThrow(/does not decrypt/);
  });
});
