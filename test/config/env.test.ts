/** Configuration precedence: .env (HARNESS_*) over the environment's HARNESS_* over OPENAI_*; messages never show values. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withoutCredentials } from '../../src/client/cli/commands/doctor';
import { effectiveVariables, readEnv } from '../../src/config/env';
import { tempDir } from '../helpers/temporal';

const SECRET = 'sk-never-print-me';

async function cwdWithDotenv(content?: string): Promise<string> {
  const dir = await tempDir('dotenv');
  if (content !== undefined) await fs.writeFile(path.join(dir, '.env'), content);
  return dir;
}

test('offline by default', async () => {
  expect(readEnv({}, await cwdWithDotenv()).HARNESS_MODEL_PROVIDER).toBe('offline');
});

test('the OpenAI names are the last fallback', async () => {
  const env = readEnv(
    {
      HARNESS_MODEL_PROVIDER: 'openai_compatible',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_API_KEY: SECRET,
      HARNESS_MODEL_NAME: 'm',
    },
    await cwdWithDotenv(),
  );
  expect(env).toMatchObject({ HARNESS_MODEL_BASE_URL: 'http://127.0.0.1:9/v1', HARNESS_MODEL_API_KEY: SECRET, HARNESS_MODEL_NAME: 'm' });
});

test('HARNESS_* in the environment beat OPENAI_*, and .env beats both; other names in .env are ignored', async () => {
  const cwd = await cwdWithDotenv(
    'HARNESS_MODEL_NAME=from-dotenv\nHARNESS_MODEL_PROVIDER=openai_compatible\nOPENAI_API_KEY=loses\nANTHROPIC_API_KEY=ignored\n',
  );
  expect(effectiveVariables({}, cwd).ANTHROPIC_API_KEY).toBeUndefined();
  const env = readEnv(
    {
      HARNESS_MODEL_NAME: 'from-env',
      HARNESS_MODEL_API_KEY: 'harness-key',
      OPENAI_API_KEY: 'openai-key',
      HARNESS_MODEL_BASE_URL: 'http://127.0.0.1:9/v1',
    },
    cwd,
  );
  expect(env).toMatchObject({
    HARNESS_MODEL_PROVIDER: 'openai_compatible',
    HARNESS_MODEL_NAME: 'from-dotenv',
    HARNESS_MODEL_API_KEY: 'harness-key',
  });
});

test('a misconfiguration names what is missing and never a value', async () => {
  const attempt = async () =>
    readEnv(
      { HARNESS_MODEL_PROVIDER: 'openai_compatible', HARNESS_MODEL_API_KEY: SECRET, HARNESS_MODEL_BASE_URL: 'not a url' },
      await cwdWithDotenv(),
    );
  await expect(attempt()).rejects.toThrow(
    /HARNESS_MODEL_BASE_URL: .*; HARNESS_MODEL_NAME: required \(or MODEL_NAME\) when HARNESS_MODEL_PROVIDER=openai_compatible/,
  );
  await expect(attempt()).rejects.not.toThrow(new RegExp(SECRET));
});

test('.env.example documents every HARNESS_* variable, with placeholders only', async () => {
  const { HarnessEnv } = await import('../../src/config/env');
  const example = await fs.readFile(path.resolve(__dirname, '../../.env.example'), 'utf8');
  const names = Object.keys(HarnessEnv.shape).filter((name) => name.startsWith('HARNESS_'));
  expect(names.length).toBeGreaterThan(10);
  for (const name of names) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  expect(example).not.toMatch(/sk-[A-Za-z0-9]{10,}/);
});

test.each([
  [{ TEMPORAL_ADDRESS: 'localhost' }, /TEMPORAL_ADDRESS: host:port, e.g. localhost:7233/],
  [{ TEMPORAL_ADDRESS: 'http://localhost:7233' }, /TEMPORAL_ADDRESS: host:port/],
  [{ HARNESS_TASK_QUEUE: '   ' }, /HARNESS_TASK_QUEUE: set but blank \(unset it for "harness"\)/],
  [{ TEMPORAL_NAMESPACE: '' }, /TEMPORAL_NAMESPACE: set but blank/],
])('a malformed connection setting %j is named, not reported as unreachable', async (source, message) => {
  expect(() => readEnv(source, process.cwd())).toThrow(message);
});

test('a base URL with credentials is shown without them', () => {
  expect(withoutCredentials(`https://user:${SECRET}@models.example/v1`)).toBe('https://***@models.example/v1');
  expect(withoutCredentials('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000/v1');
});

describe("the seed harness's variable names", () => {
  test('work beside ours: MODEL_PROVIDER, MODEL_NAME, HARNESS_OPENAI_BASE_URL, HARNESS_OPENAI_API_KEY (also from .env)', async () => {
    const env = readEnv(
      { MODEL_PROVIDER: 'openai_compatible', HARNESS_OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sdk-key' },
      await cwdWithDotenv(`MODEL_NAME=seed-model\nHARNESS_OPENAI_API_KEY=${SECRET}\n`),
    );
    expect(env).toMatchObject({
      HARNESS_MODEL_PROVIDER: 'openai_compatible',
      HARNESS_MODEL_BASE_URL: 'http://127.0.0.1:9/v1',
      HARNESS_MODEL_API_KEY: SECRET,
      HARNESS_MODEL_NAME: 'seed-model',
    });
  });

  test.each(['openai', 'openai-compatible', 'openai_compatible'])(
    'MODEL_PROVIDER=%s with OPENAI_BASE_URL and OPENAI_API_KEY from .env, as the seed reads them',
    async (provider) => {
      const cwd = await cwdWithDotenv(
        `MODEL_PROVIDER=${provider}\nMODEL_NAME=seed-model\nOPENAI_BASE_URL=http://127.0.0.1:9/v1\nOPENAI_API_KEY=${SECRET}\n`,
      );
      // The file beats the environment, as in the seed.
      expect(readEnv({ OPENAI_API_KEY: 'from-env' }, cwd)).toMatchObject({
        HARNESS_MODEL_PROVIDER: 'openai_compatible',
        HARNESS_MODEL_BASE_URL: 'http://127.0.0.1:9/v1',
        HARNESS_MODEL_API_KEY: SECRET,
        HARNESS_MODEL_NAME: 'seed-model',
      });
    },
  );

  test("the seed's mock provider is the offline one", async () => {
    expect(readEnv({ MODEL_PROVIDER: 'mock' }, await cwdWithDotenv()).HARNESS_MODEL_PROVIDER).toBe('offline');
  });

  test('a value we cannot use, or one that disagrees with ours, is an error naming the variable, never the secret', async () => {
    const cwd = await cwdWithDotenv();
    expect(() => readEnv({ MODEL_PROVIDER: 'anthropic' }, cwd)).toThrow(
      /^invalid configuration: MODEL_PROVIDER: use mock \(offline\), openai_compatible, openai-compatible or openai$/,
    );
    expect(() => readEnv({ MODEL_PROVIDER: 'openai_compatible', HARNESS_MODEL_PROVIDER: 'offline' }, cwd)).toThrow(
      /MODEL_PROVIDER and HARNESS_MODEL_PROVIDER are both set and disagree/,
    );
    let message = '';
    try {
      readEnv({ HARNESS_OPENAI_API_KEY: SECRET, HARNESS_MODEL_API_KEY: 'another-key' }, cwd);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/HARNESS_OPENAI_API_KEY and HARNESS_MODEL_API_KEY are both set and disagree/);
    expect(message).not.toContain(SECRET);
    // openai_compatible through the seed's name is used, not silently dropped: its missing endpoint is reported.
    expect(() => readEnv({ MODEL_PROVIDER: 'openai_compatible' }, cwd)).toThrow(/HARNESS_MODEL_BASE_URL: required/);
  });
});

test('a .env or a Temporal config file that is a FIFO is refused at once, not read forever', async () => {
  const { execFileSync } = await import('node:child_process');
  const dir = await tempDir('env-fifo');
  execFileSync('mkfifo', [path.join(dir, '.env'), path.join(dir, 'temporal.toml')]);
  expect(() => readEnv({}, dir)).toThrow(/^cannot read .*\.env: not a regular file/);
  const elsewhere = await tempDir('env-plain');
  expect(() => readEnv({ TEMPORAL_CONFIG_FILE: path.join(dir, 'temporal.toml') }, elsewhere)).toThrow(
    /^Temporal config file .*temporal\.toml: not a regular file$/,
  );
});
