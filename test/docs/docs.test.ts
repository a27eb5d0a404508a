/**
 * The README and the pages under docs/ keep their promises: a short front door with the two set-up
 * commands, pages wrapped at 100 characters, links that stay inside the repository and resolve,
 * a folder table that lists every folder of src/, and every shell block either run here, against
 * a real Temporal dev server and worker, or marked as an illustration on its first line.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startTestWorker, tempDir, testAddress, TestWorker, uniqueName } from '../helpers/temporal';

const ROOT = path.resolve(__dirname, '../..');
const PAGES = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'bench/HISTORY.md',
];
const MAX_README_BYTES = 12 * 1024;
const WIDTH = 100;
const SHELLS = ['sh', 'bash', 'shell', 'console'];
/** The first line of a block that is shown, not run. */
const ILLUSTRATION = /^# illustration: \S/;

interface Block {
  page: string;
  line: number;
  info: string;
  body: string[];
}

interface Page {
  name: string;
  blocks: Block[];
  /** Lines outside code blocks, with their numbers. */
  prose: { line: number; text: string }[];
  anchors: Set<string>;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as "-", repeats numbered. */
function anchorsOf(headings: string[]): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const heading of headings) {
    const base = heading
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

function parsePage(name: string): Page {
  const lines = readFileSync(path.join(ROOT, name), 'utf8').split('\n');
  const blocks: Block[] = [];
  const prose: Page['prose'] = [];
  const headings: string[] = [];
  let open: Block | null = null;
  lines.forEach((text, i) => {
    if (text.startsWith('```')) {
      if (open) {
        blocks.push(open);
        open = null;
      } else open = { page: name, line: i + 1, info: text.slice(3).trim(), body: [] };
      return;
    }
    if (open) return void open.body.push(text);
    prose.push({ line: i + 1, text });
    const heading = /^#{1,6} (.*)$/.exec(text);
    if (heading) headings.push(heading[1]);
  });
  return { name, blocks, prose, anchors: anchorsOf(headings) };
}

const pages = new Map(PAGES.map((name) => [name, parsePage(name)]));
/** Inline code spans hold commands and paths, never links. */
const withoutCode = (text: string) => text.replace(/`[^`]*`/g, '``');

const isCommandBlock = (b: Block) => SHELLS.includes(b.info.split(/\s+/)[0]) || b.body.some((l) => l.startsWith('$ '));
const isSetup = (b: Block) => b.info.split(/\s+/).includes('setup');
const runnable = [...pages.values()]
  .flatMap((p) => p.blocks)
  .filter((b) => isCommandBlock(b) && !isSetup(b) && !ILLUSTRATION.test(b.body[0] ?? ''));

test('the README is a front door: at most 12 KB, opening with exactly the two set-up commands', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'));
  expect(readme.length).toBeLessThanOrEqual(MAX_README_BYTES);
  const { blocks, prose } = pages.get('README.md')!;
  expect(prose[0].text).toBe('# durable-harness');
  const [first] = blocks;
  expect(first.line).toBe(3);
  const commands = first.body.filter((l) => l.trim());
  expect(commands.map((l) => l.split('#')[0].trim())).toEqual(['npm ci && npm run demo -- --yes', 'npm test']);
  // The same two commands wherever a page repeats them.
  for (const block of [...pages.values()].flatMap((p) => p.blocks).filter(isSetup)) expect(block.body).toEqual(first.body);
});

test('no link leaves the repository, and every link and anchor resolves', () => {
  const problems: string[] = [];
  for (const page of pages.values()) {
    for (const { line, text } of page.prose) {
      const prose = withoutCode(text);
      const where = `${page.name}:${line}`;
      if (/\bhttps?:\/\/|<mailto:|\]\(mailto:/.test(prose)) problems.push(`${where}: a link or address outside the repository`);
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        const [file, anchor] = target.split('#');
        const dest = file ? path.normalize(path.join(path.dirname(page.name), decodeURIComponent(file))) : page.name;
        if (dest.startsWith('..')) problems.push(`${where}: ${target} leaves the repository`);
        else if (!existsSync(path.join(ROOT, dest))) problems.push(`${where}: ${target}: no such file`);
        else if (anchor !== undefined) {
          const targetPage = pages.get(dest);
          if (!targetPage) problems.push(`${where}: ${target}: anchors only into the pages checked here`);
          else if (!targetPage.anchors.has(anchor)) problems.push(`${where}: ${target}: no such heading`);
        }
      }
    }
  }
  expect(problems).toEqual([]);
});

test('pages are wrapped at 100 characters (tables, code and one unbreakable span aside)', () => {
  const long: string[] = [];
  for (const page of pages.values())
    for (const { line, text } of page.prose) {
      if (text.length <= WIDTH || text.trimStart().startsWith('|')) continue;
      // A code span, link or image that alone is wider than a line cannot be wrapped.
      const spans = text.match(/`[^`]+`|!?\[[^\]]*\]\([^)]*\)/g) ?? [];
      if (spans.some((s) => s.length > WIDTH * 0.6)) continue;
      long.push(`${page.name}:${line} (${text.length})`);
    }
  expect(long).toEqual([]);
});

test('the folder table in docs/architecture.md names every folder under src/', () => {
  const folders: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(ROOT, rel)).isDirectory()) {
        folders.push(rel);
        walk(rel);
      }
    }
  };
  walk('src');
  const table = pages
    .get('docs/architecture.md')!
    .prose.filter((p) => p.text.startsWith('|'))
    .map((p) => p.text)
    .join('\n');
  expect(folders.length).toBeGreaterThan(20);
  expect(folders.filter((f) => !table.includes(`\`${f}/\``))).toEqual([]);
});

test('every shell block is run below or marked as an illustration with its reason', () => {
  const blocks = [...pages.values()].flatMap((p) => p.blocks).filter(isCommandBlock);
  const unmarked = blocks.filter((b) => !SHELLS.includes(b.info.split(/\s+/)[0])).map((b) => `${b.page}:${b.line}`);
  expect(unmarked).toEqual([]); // a command block says it is one (```sh or ```console)
  expect(runnable.length).toBeGreaterThanOrEqual(5);
});

describe('the runnable blocks', () => {
  let worker: TestWorker;
  let env: NodeJS.ProcessEnv;
  let binDir: string;

  beforeAll(async () => {
    const taskQueue = uniqueName('docs');
    const outputRoot = await tempDir('docs-out');
    worker = await startTestWorker({ taskQueue, outputRoot });
    binDir = await tempDir('docs-bin');
    // `harness` as a reader has it after `npm link`.
    await fs.symlink(path.join(ROOT, 'bin', 'harness.js'), path.join(binDir, 'harness'));
    const { XDG_CONFIG_HOME: _c, XDG_STATE_HOME: _s, HARNESS_POLICY_FILE: _p, ...inherited } = process.env;
    env = {
      ...inherited,
      PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
      // A reader's home of its own: keys, tokens and what `pending` showed land there.
      HOME: await tempDir('docs-home'),
      TEMPORAL_ADDRESS: testAddress(),
      HARNESS_TASK_QUEUE: taskQueue,
      HARNESS_OUTPUT_DIR: outputRoot,
    };
  });
  afterAll(async () => worker?.stop());

  test.each(runnable.map((b) => [`${b.page}:${b.line}`, b] as const))('%s', async (_where, block) => {
    const result = await runBash(block.body.join('\n'), env, 150_000);
    expect({ code: result.code, stderr: result.code ? result.stderr.slice(-2000) : '' }).toEqual({ code: 0, stderr: '' });
  });
});

function runBash(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', script], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('the seed mapping page (docs/from-the-seed.md)', () => {
  const seed = JSON.parse(readFileSync(path.join(__dirname, 'seed-surface.json'), 'utf8')) as {
    commands: Record<string, string[]>;
    variables: string[];
    files: string[];
    evalKeys: string[];
  };
  const page = pages.get('docs/from-the-seed.md')!;
  /** The rows of the table under a heading, as cells. */
  const table = (heading: string): string[][] => {
    const start = page.prose.findIndex((p) => p.text === `## ${heading}`);
    expect(start).toBeGreaterThanOrEqual(0);
    const rows: string[][] = [];
    for (const { text } of page.prose.slice(start + 1)) {
      if (text.startsWith('## ')) break;
      if (!text.startsWith('|') || /^\|\s*-/.test(text)) continue;
      rows.push(
        text
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    }
    return rows.slice(1);
  };
  const spans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

  test('every seed command has a row naming each of its flags', () => {
    const rows = table('Commands and flags');
    const missing: string[] = [];
    for (const [command, flags] of Object.entries(seed.commands)) {
      const row = rows.find((r) => spans(r[0])[0] === command);
      if (!row) missing.push(command);
      else for (const flag of flags) if (!spans(row[0]).includes(flag)) missing.push(`${command} ${flag}`);
    }
    expect(missing).toEqual([]);
  });

  test('every harness command and flag the page names exists', async () => {
    const { buildProgram } = await import('../../src/client/cli/index');
    const program = buildProgram();
    const unknown: string[] = [];
    for (const row of table('Commands and flags'))
      for (const usage of spans(row[1]).filter((s) => s.startsWith('harness '))) {
        let command = program;
        const words = usage.split(/\s+/).slice(1);
        for (const word of words) {
          const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
          if (sub) command = sub;
          else if (word.startsWith('--') && !command.options.some((o) => o.long === word)) unknown.push(`${usage}: ${word}`);
        }
        if (command === program) unknown.push(`${usage}: no such command`);
      }
    expect(unknown).toEqual([]);
  });

  test('every seed variable, file and eval fixture key has a row', () => {
    const firstColumn = (heading: string) => table(heading).map((r) => spans(r[0])[0]);
    expect(seed.variables.filter((v) => !firstColumn('Variables').includes(v))).toEqual([]);
    expect(seed.files.filter((f) => !firstColumn('Files').includes(f))).toEqual([]);
    expect(seed.evalKeys.filter((k) => !firstColumn('Eval fixture keys').includes(k))).toEqual([]);
  });
});
