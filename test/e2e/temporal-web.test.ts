/**
 * Temporal Web, in headless Chromium against the dev server's own UI: the history shows the
 * tools by name and the approve signal, and the UI's signal dialog (listing the workflow's
 * signals from handler metadata) approves a waiting run.
 * HARNESS_UPDATE_SCREENSHOTS=1 (`npm run docs:screenshots`) also refreshes the screenshots in docs/.
 */
import type { Client } from '@temporalio/client';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../../src/client/api/wait-for';
import { RunningServer, startDevServer } from '../../src/dev-server/dev-server';
import { approveSignal } from '../../src/shared/messages';
import { TOOLS, ToolName } from '../../src/shared/tools';
import { launchBrowser, screenshot as takeScreenshot } from '../helpers/browser';
import { freePort } from '../../src/dev-server/free-port';
import {
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  testClient,
  TestWorker,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';

const TOOLS_BEFORE_GATE: ToolName[] = ['plan_run', 'search_sources', 'extract_facts', 'draft_report', 'review_draft'];

let server: RunningServer;
let worker: TestWorker;
let client: Client;
let closeClient: () => Promise<void>;
let browser: Browser;
let page: Page;
let taskQueue: string;

beforeAll(async () => {
  const dir = await tempDir('web');
  server = await startDevServer({
    address: `127.0.0.1:${await freePort()}`,
    uiPort: await freePort(),
    logFile: path.join(dir, 'server.log'),
  });
  taskQueue = uniqueName('web');
  worker = await startTestWorker({ taskQueue, outputRoot: dir, address: server.address });
  ({ client, close: closeClient } = await testClient(server.address));
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(60_000);
});

afterAll(async () => {
  await browser?.close();
  await closeClient?.();
  await worker?.stop();
  await server?.stop();
});

async function waitingRun() {
  const run = await startTestRun(client, taskQueue, { topic: 'durable agent harness', sources: await sampleSources() });
  await waitForStatus(run, ['waiting_approval']);
  return run;
}

/** Opens the run's page (the UI redirects to its latest run) and waits for the history to render. */
async function openRun(workflowId: string): Promise<void> {
  await page.goto(`${server.uiUrl}/namespaces/default/workflows/${workflowId}`);
  await page.getByText('Activity Task Scheduled').first().waitFor();
}

/** The page text once it shows everything `expected` asks for; the UI renders rows asynchronously. */
async function pageTextShowing(workflowId: string, expected: RegExp[]): Promise<string> {
  return waitFor(
    async () => {
      await openRun(workflowId);
      const text = await page.locator('body').innerText();
      return expected.every((pattern) => pattern.test(text)) ? text : null;
    },
    { timeoutMs: 30_000, what: `the UI to show ${expected.join(', ')}` },
  );
}

const screenshot = (name: string) => takeScreenshot(page, name);

const scheduled = (tool: string) => new RegExp(`Activity Task Scheduled\\s+Activity Type\\s+${tool}\\b`);
/** A local activity's marker, as the UI labels it. */
const ranLocally = (tool: string) => new RegExp(`Local Activity\\s+Activity Type\\s+${tool}\\b`);
const shownAs = (tool: ToolName) => (TOOLS[tool].execution === 'local' ? ranLocally(tool) : scheduled(tool));
const signaled = (name: string) => new RegExp(`Workflow Execution Signaled\\s+Signal Name\\s+${name}\\b`);

test('the run page shows every tool by name (local ones as local activities) and, after approval, the approve signal', async () => {
  const run = await waitingRun();
  const waiting = await pageTextShowing(run.workflowId, TOOLS_BEFORE_GATE.map(shownAs));
  expect(waiting).toMatch(/Running/);
  expect(waiting).not.toMatch(signaled('approve'));
  expect(waiting).not.toMatch(scheduled('search_sources'));
  await screenshot('temporal-web-waiting.png');
  // A local step: one marker row, opened to show what it recorded.
  const localStep = page.getByText(ranLocally('search_sources')).first();
  await localStep.scrollIntoViewIfNeeded();
  await localStep.click();
  const marker = page.getByText('core_local_activity').first();
  await marker.waitFor();
  await page.mouse.wheel(0, 250);
  await screenshot('temporal-web-local-step.png');

  const { pendingAction } = await waitForStatus(run, ['waiting_approval']);
  await run.signal(approveSignal, { approver: 'ops', digest: pendingAction!.digest });
  expect((await run.result()).status).toBe('completed');

  const completed = await pageTextShowing(run.workflowId, [signaled('approve'), scheduled('finalize_report')]);
  expect(completed).toMatch(/Completed/);
  await screenshot('temporal-web-completed.png');
});

test("the UI's own signal dialog lists approve and reject and approves a waiting run", async () => {
  const run = await waitingRun();
  await openRun(run.workflowId);
  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menuitem', { name: /Send a Signal/ }).click();
  const dialog = page.getByTestId('signal-confirmation-modal');
  await dialog.getByRole('button', { name: /Select a signal/ }).click();

  // The list is filled from the workflow's metadata query, which answers asynchronously.
  await page.getByRole('option', { name: /^\s*approve\b/ }).waitFor();
  await page.getByRole('option', { name: /^\s*reject\b/ }).waitFor();
  const options = await page.getByRole('option').allInnerTexts();
  expect(options.join('\n')).toMatch(/approve\s+Approve the pending tool call/);
  expect(options.join('\n')).toMatch(/reject\s+Reject the pending tool call/);
  await page.getByRole('option', { name: /^\s*approve\b/ }).click();

  await dialog.locator('[contenteditable=true]').last().click();
  await page.keyboard.type('{"approver":"web-ui","comment":"approved in Temporal Web"}');
  await screenshot('temporal-web-signal-dialog.png');
  await dialog.getByRole('button', { name: 'Submit' }).click();

  const result = await run.result();
  expect(result).toMatchObject({ status: 'completed', decision: { approver: 'web-ui', comment: 'approved in Temporal Web' } });
});

test('the run page explains itself: what the run is, what each tool call did, and what the gate waits for', async () => {
  const run = await waitingRun();
  const { pendingAction } = await waitForStatus(run, ['waiting_approval']);
  const digest = pendingAction!.digest.slice(0, 12);
  // The UI renders summaries and details as markdown in frames of their own: read every frame.
  const text = await waitFor(
    async () => {
      await openRun(run.workflowId);
      await page.getByText('User Metadata').first().click();
      await page.getByText('Events with Metadata').waitFor();
      const frames = await Promise.all(
        page.frames().map((f) =>
          f
            .locator('body')
            .innerText()
            .catch(() => ''),
        ),
      );
      const all = frames.join('\n');
      const expected = [
        /research [“"]durable agent harness[”"] · policy worker default · single loop/, // static summary (the UI curls quotes)
        /Sources \(\d+\)/, // static details
        /plan_run: plan "durable agent harness" from \d+ source title/, // activity summaries
        /search_sources: search \d+ source\(s\) for "durable agent harness"/, // a local one
        /approval expiry: finalize_report gate 1/, // the gate's timer
        /Gate 1: finalize_report/, // current details: the gate
        /approvals: 0 of 1 \(none yet\), 1 still needed/,
        /who may approve: anyone/,
        new RegExp(`harness approve ${run.workflowId} --digest ${digest}`),
      ];
      return expected.every((pattern) => pattern.test(all)) ? all : null;
    },
    { timeoutMs: 30_000, what: 'the run page to show its summary, details, tool summaries and current details' },
  );
  expect(text).toMatch(/expires: \d{4}-/);
  await screenshot('temporal-web-details.png');

  // The current details follow the run: once approved, they say it completed and where the report went.
  await run.signal(approveSignal, { approver: 'ops', digest: pendingAction!.digest });
  await run.result();
  const metadata = (await run.query('__temporal_workflow_metadata')) as { currentDetails?: string };
  expect(metadata.currentDetails).toMatch(/\*\*completed\*\* · durable agent harness[\s\S]*report: /);
});
