/**
 * One source of truth for the step graph and the blueprint: the graph has a node for every tool in
 * the registry; a real run schedules exactly the graph's steps, in order; and the Mermaid text
 * renders with the real Mermaid library in headless Chromium (a broken diagram fails to).
 */
import type { Browser, Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadPolicyFile } from '../../../src/config/policy-file';
import { Policy } from '../../../src/shared/policy';
import { RUN_STEPS } from '../../../src/shared/run-steps';
import { TOOL_NAMES } from '../../../src/shared/tools';
import { blueprint, blueprintToMarkdown, blueprintToMermaid, COMPONENTS } from '../../../src/client/views/blueprint';
import { graphToMermaid, runGraph } from '../../../src/client/views/run-graph';
import { launchBrowser } from '../../helpers/browser';
import {
  approveAtGate,
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  TestWorker,
  toolsInHistory,
  uniqueName,
} from '../../helpers/temporal';
import { useClient } from '../../helpers/test-bed';

const REPO = path.resolve(__dirname, '../../..');
const holder = useClient();
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
  await page.evaluate(() =>
    (globalThis as unknown as { mermaid: { initialize(o: object): void } }).mermaid.initialize({ startOnLoad: false }),
  );
});
afterAll(async () => browser?.close());

let renders = 0;
/** The SVG Mermaid draws from `text`; rejects with Mermaid's own error when it cannot. */
async function render(text: string): Promise<string> {
  return page.evaluate(
    async ({ text, id }) =>
      (await (globalThis as unknown as { mermaid: { render(id: string, t: string): Promise<{ svg: string }> } }).mermaid.render(id, text))
        .svg,
    { text, id: `diagram${++renders}` },
  );
}

const gatedEverywhere = Policy.parse({
  version: 1,
  name: 'every-gate',
  roles: { leads: ['alice'] },
  budget: { maxTotalTokens: 1000 },
  tools: Object.fromEntries(
    TOOL_NAMES.map((t) => [
      t,
      { approval: 'required', approvers: ['bob'], timeout: '1h', onTimeout: 'escalate', escalateTo: ['role:leads'] },
    ]),
  ),
});

test('the graph has a step for every registry tool, every node is reachable, and each policy shows in it', async () => {
  const { policy } = await loadPolicyFile(path.join(REPO, 'policy/default.yaml'));
  for (const p of [policy, gatedEverywhere]) {
    const graph = runGraph(p);
    expect(graph.nodes.filter((n) => n.kind === 'step').map((n) => n.tool)).toEqual(TOOL_NAMES);
    const reached = new Set(['start']);
    for (let grew = true; grew;) {
      grew = false;
      for (const e of graph.edges) if (reached.has(e.from) && !reached.has(e.to)) grew = Boolean(reached.add(e.to));
    }
    expect(graph.nodes.map((n) => n.id).filter((id) => !reached.has(id))).toEqual([]);
  }
  expect(
    runGraph(policy)
      .nodes.filter((n) => n.kind === 'gate')
      .map((n) => n.tool),
  ).toEqual(['finalize_report']);
  const everyGate = runGraph(gatedEverywhere);
  expect(everyGate.nodes.filter((n) => n.kind === 'gate')).toHaveLength(TOOL_NAMES.length);
  expect(everyGate.edges.filter((e) => e.event === 'approval_escalated')).toHaveLength(TOOL_NAMES.length);
  expect(everyGate.edges.filter((e) => e.label === 'run_paused: token budget exceeded').map((e) => e.from)).toEqual([
    'plan_run',
    'draft_report',
    'review_draft',
  ]);
});

test('a real run schedules exactly the graph steps, in order', async () => {
  const taskQueue = uniqueName('graph');
  const worker: TestWorker = await startTestWorker({ taskQueue, outputRoot: await tempDir('graph-out') });
  try {
    const run = await startTestRun(holder.client, taskQueue, { topic: 'durable agent harness', sources: await sampleSources() });
    await approveAtGate(run);
    await run.result();
    const called = (await toolsInHistory(run)).map((t) => t.tool).filter((t) => (TOOL_NAMES as string[]).includes(t));
    expect(called).toEqual(RUN_STEPS.map((s) => s.tool));
  } finally {
    await worker.stop();
  }
});

test('the Mermaid of the graph and of the blueprint renders in Chromium with every node; a broken one does not', async () => {
  const { policy, digest } = await loadPolicyFile(path.join(REPO, 'policy/default.yaml'));
  for (const p of [policy, gatedEverywhere]) {
    const graph = runGraph(p);
    const svg = await render(graphToMermaid(graph));
    for (const node of graph.nodes) expect(svg).toContain(node.label);
  }
  const view = blueprint(policy, digest);
  const components = await render(blueprintToMermaid(view));
  for (const c of view.components) expect(components).toContain(c.label);
  for (const t of view.tools) expect(components).toContain(t.name);
  const embedded = /```mermaid\n([\s\S]*?)```/.exec(blueprintToMarkdown(view))![1];
  expect(await render(embedded)).toContain('approval before finalize_report');
  await expect(render('flowchart TD\n  a -->|unclosed b')).rejects.toThrow(/Parse error|Syntax error|Lexical error/i);
});

test('every component the blueprint names is a module of this repository', () => {
  expect(COMPONENTS.filter((c) => !existsSync(path.join(REPO, c.module))).map((c) => c.module)).toEqual([]);
});
