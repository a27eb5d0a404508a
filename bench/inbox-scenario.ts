/**
 * The approvals page with many runs waiting (issue 29): N runs parked at the gate, `harness ui`
 * beside them, headless Chromium signed in. Measured: the inbox's first paint and load with all N
 * rows; how long after visibility shows a new waiting run the open page shows it (the baseline is
 * visibility itself, polled by the bench); and the page server's CPU with one viewer beside many
 * (its reads of Temporal do not depend on viewers: one poll, one follower per open run; the list is
 * rendered once per change, not once per viewer).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../src/client/api/wait-for';
import { issueToken } from '../src/client/ui/approver-tokens';
import { launchBrowser } from '../test/helpers/browser';
import { BenchEnv, inPool } from './bench-env';

export interface InboxResult {
  runs: number;
  /** Rows the page listed on first load. */
  rows: number;
  parkS: number;
  firstContentfulPaintMs: number;
  loadMs: number;
  /** From visibility listing the new run as waiting to the open page showing it. */
  liveUpdateAfterVisibilityMs: number;
  pollMs: number;
  /** CPU of the page server per second of wall time while a run arrives every second, by number of open inbox pages. */
  cpuByViewers: { viewers: number; cpuMsPerS: number; listFetches: number }[];
}

const CPU_WINDOW_MS = 10_000;

async function signIn(browser: Browser, base: string, token: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#live').waitFor();
  return page;
}

interface Viewer {
  fetches: number;
  close(): void;
}

/** A signed-in viewer without a browser: the page's event stream, and the list fetched on each event. */
async function openViewer(base: string, token: string): Promise<Viewer> {
  const signIn = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ token }).toString(),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
  const aborted = new AbortController();
  const viewer: Viewer = { fetches: 0, close: () => aborted.abort() };
  const events = await fetch(`${base}/events`, { headers: { cookie }, signal: aborted.signal });
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of events.body as unknown as AsyncIterable<Uint8Array>) {
      for (const line of decoder.decode(chunk).split('\n'))
        if (line === 'event: inbox') {
          viewer.fetches++;
          void fetch(`${base}/fragments/inbox`, { headers: { cookie }, signal: aborted.signal }).then((r) => r.text());
        }
    }
  })().catch(() => undefined);
  return viewer;
}

export async function inboxScenario(env: BenchEnv, runs: number, viewerCount: number, pollMs: number): Promise<InboxResult> {
  const mine = `WorkflowId STARTS_WITH '${env.taskQueue}-inbox-'`;
  const ids = Array.from({ length: runs }, (_, i) => `${env.taskQueue}-inbox-${i}`);
  const t0 = Date.now();
  await inPool(ids, 50, async (id) => void (await env.startRun(id)));
  await waitFor(async () => (await env.count(`${mine} AND HarnessStatus = 'waiting_approval'`)) >= runs, {
    timeoutMs: 20 * 60_000,
    intervalMs: 1_000,
    what: `${runs} runs to wait at the gate`,
  });
  const parkS = (Date.now() - t0) / 1000;

  const tokenFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'harness-inbox-')), 'ui-tokens.json');
  const { token } = await issueToken('bench', tokenFile);
  const base = await env.startApprovalsPage(tokenFile, pollMs);
  const browser = await launchBrowser();
  try {
    const page = await signIn(browser, base, token);
    await page.goto(`${base}/`);
    const rows = await page.locator('li.run').count();
    const timing = (await page.evaluate(`(() => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      const nav = performance.getEntriesByType('navigation')[0];
      return { fcp: paint ? paint.startTime : 0, load: nav ? nav.loadEventEnd : 0 };
    })()`)) as { fcp: number; load: number };

    // One more run: when visibility lists it as waiting, how much later does the open page show it?
    const extra = `${env.taskQueue}-inbox-${runs}`;
    await env.startRun(extra);
    const listed = waitFor(
      async () => ((await env.count(`WorkflowId = '${extra}' AND HarnessStatus = 'waiting_approval'`)) ? Date.now() : null),
      {
        timeoutMs: 120_000,
        intervalMs: 20,
        what: 'visibility to list the new run',
      },
    );
    await page.locator(`li.run[data-run="${extra}"]`).waitFor({ timeout: 120_000 });
    const shownAt = Date.now();
    const liveUpdateAfterVisibilityMs = shownAt - (await listed);

    // The further viewers are plain HTTP clients doing what live.js does (one event stream each; on
    // every inbox event, fetch the list): a browser holds at most six connections to one host, so
    // twenty Chromium pages would measure the browser, not the server.
    const cpuByViewers: InboxResult['cpuByViewers'] = [];
    const viewers: Viewer[] = [];
    let pageFetches = 0;
    page.on('request', (r) => void (r.url().endsWith('/fragments/inbox') && pageFetches++));
    try {
      for (const count of [1, viewerCount]) {
        while (viewers.length + 1 < count) viewers.push(await openViewer(base, token));
        const before = env.cpuSeconds('approvals');
        pageFetches = 0;
        for (const viewer of viewers) viewer.fetches = 0;
        // A run arrives every second meanwhile: each arrival sends every open inbox an event, and each fetches the list again.
        for (let second = 0; second < CPU_WINDOW_MS / 1000; second++) {
          void env.startRun(`${env.taskQueue}-inbox-churn-${count}-${second}`);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        cpuByViewers.push({
          viewers: count,
          cpuMsPerS: ((env.cpuSeconds('approvals') - before) * 1000) / (CPU_WINDOW_MS / 1000),
          listFetches: pageFetches + viewers.reduce((sum, v) => sum + v.fetches, 0),
        });
      }
    } finally {
      for (const viewer of viewers) viewer.close();
    }
    return {
      runs,
      rows,
      parkS,
      firstContentfulPaintMs: timing.fcp,
      loadMs: timing.load,
      liveUpdateAfterVisibilityMs,
      pollMs,
      cpuByViewers,
    };
  } finally {
    await browser.close();
  }
}

export function inboxLines(r: InboxResult): string[] {
  const [one, many] = r.cpuByViewers;
  return [
    '',
    `The approvals page (\`harness ui\`, one visibility poll every ${r.pollMs} ms) with ${r.runs} runs waiting at the gate`,
    `(${r.parkS.toFixed(0)} s to park them), in headless Chromium:`,
    '',
    '| figure | value | baseline |',
    '| --- | --- | --- |',
    `| inbox first contentful paint, ${r.rows} rows | ${r.firstContentfulPaintMs.toFixed(0)} ms | – |`,
    `| inbox load event | ${r.loadMs.toFixed(0)} ms | – |`,
    `| a new waiting run shown on the open page, after visibility lists it | ${r.liveUpdateAfterVisibilityMs} ms | the poll interval, ${r.pollMs} ms |`,
    `| page server CPU while a run arrives each second, ${many.viewers} open inboxes (${many.listFetches} list fetches) | ${many.cpuMsPerS.toFixed(1)} ms/s | ${one.cpuMsPerS.toFixed(1)} ms/s with 1 (${one.listFetches} fetches) |`,
    `| each further open inbox | ${((many.cpuMsPerS - one.cpuMsPerS) / Math.max(1, many.viewers - 1)).toFixed(2)} ms/s | – |`,
  ];
}
