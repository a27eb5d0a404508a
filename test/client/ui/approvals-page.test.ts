/**
 * `harness ui` in headless Chromium, on the real dev server with a real worker: approvers sign in
 * with tokens the CLI issued, a run arrives in the open inbox without a reload, its gate page shows
 * the draft and the digest, and the approval completes the run (the page then shows the report
 * path). Also: a two-person quorum from two browser contexts, a self-approval refused in the
 * policy's words, a stale page refused, hostile run text rendered as text, a cross-origin POST and
 * a foreign Host refused.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { request } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../../../src/client/api/wait-for';
import { policyDigest } from '../../../src/config/policy-file';
import { stateQuery } from '../../../src/shared/messages';
import { Policy } from '../../../src/shared/policy';
import { keyFingerprint } from '../../../src/shared/signed-decision';
import { launchBrowser, screenshot } from '../../helpers/browser';
import { runHarness, spawnHarnessUntil, WorkerProcess } from '../../helpers/processes';
import { useCliTestBed } from '../../helpers/test-bed';
import { sampleSources, startTestRun, startTestWorker, testClient, uniqueName, waitForStatus } from '../../helpers/temporal';
import { Client } from '@temporalio/client';
import { ticketTools } from '../../workflows/fixtures/ticket-tools';
import { newCodecKeyEntry } from '../../../src/codec/codec-keys';
import { harnessDataConverter } from '../../../src/codec/data-converter';

jest.setTimeout(180_000);

const TICKET_WORKFLOWS = require.resolve('../../workflows/fixtures/ticket-workflows');

const bed = useCliTestBed('ui');
let ui: WorkerProcess;
let base: string;
let tokens: Record<string, string>;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function issue(name: string, file: string): Promise<string> {
  const issued = await runHarness(['ui', 'token', name, '--tokens', file], bed.env);
  expect(issued).toMatchObject({ code: 0 });
  return issued.stdout.trim();
}

/** A signed-in page of its own browser context (its own cookies): one approver. */
async function signedIn(name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${base}/`);
  await page.getByLabel('Token').fill(tokens[name]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
  return page;
}

const policyOf = (tools: Record<string, unknown>, more: Record<string, unknown> = {}) => {
  const policy = Policy.parse({ version: 1, name: 'ui-test', tools, ...more });
  return { policy, digest: policyDigest(policy), source: 'ui test' };
};

beforeAll(async () => {
  const file = path.join(bed.dir, 'ui-tokens.json');
  tokens = { alice: await issue('alice', file), bob: await issue('Bob', file) };
  // HARNESS_WORKFLOWS: a closed run of the user's own workflow is read by replaying it with their module.
  ui = await spawnHarnessUntil(
    ['ui', '--port', '0', '--tokens', file, '--poll-ms', '250'],
    { ...bed.env, HARNESS_WORKFLOWS: TICKET_WORKFLOWS },
    /harness ui on http:\/\/127\.0\.0\.1:\d+\//,
    60_000,
  );
  base = /harness ui on (http:\/\/127\.0\.0\.1:\d+)\//.exec(ui.output())![1];
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await ui?.kill('SIGTERM');
});

test('a token signs in as its canonical name; a wrong token signs nobody in', async () => {
  expect(tokens.alice).toMatch(/^dh_ui_[A-Za-z0-9_-]{43}$/);
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await page.getByLabel('Token').fill(`${tokens.alice}x`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That token signs nobody in').waitFor();
  expect(await signedIn('bob').then((p) => p.getByText('Signed in as bob').count())).toBe(1);
});

test('a run arrives live, its gate shows the draft and digest, and the approval completes it', async () => {
  const page = await signedIn('alice');
  // Set on this document: still there after the run appears means the list changed without a reload.
  await page.evaluate('window.unreloaded = true');
  const run = await startTestRun(bed.client, bed.env.HARNESS_TASK_QUEUE!, { topic: 'durable approvals', sources: await sampleSources() });
  const row = page.locator(`li.run[data-run="${run.workflowId}"]`);
  await row.waitFor();
  expect(await page.evaluate('window.unreloaded')).toBe(true);
  await expect(row.textContent()).resolves.toContain('finalize_report');
  await screenshot(page, 'approvals-inbox.png');

  await row.getByRole('link').click();
  const state = await waitForStatus(run, ['waiting_approval']);
  await page.locator('code.digest').waitFor();
  expect(await page.locator('code.digest').textContent()).toBe(state.pendingAction!.digest);
  expect(await page.locator('pre.preview').textContent()).toContain(state.pendingAction!.preview.firstLines[0]);
  await screenshot(page, 'approvals-gate.png');

  await page.getByRole('button', { name: 'Approve what is shown' }).click();
  // The run page follows the run live to its end: the report's path shows without a reload.
  await page.locator('.report').waitFor();
  const finished = await waitForStatus(run, ['completed']);
  expect(await page.locator('.report code').textContent()).toBe(finished.artifacts.report!.path);
  expect(finished.decision).toMatchObject({ outcome: 'approved', approver: 'alice' });
  // Closed, the run is rebuilt from its history for the page: no worker needed to read it.
  await page.reload();
  expect(await page.locator('.status').textContent()).toBe('completed');
  expect(await page.locator('.notice.refused').count()).toBe(0);
});

test('a quorum of two from two browsers; self-approval is refused in the policy words', async () => {
  const run = await startTestRun(bed.client, bed.env.HARNESS_TASK_QUEUE!, {
    topic: 'durable approvals by quorum',
    sources: await sampleSources(),
    startedBy: 'alice',
    policy: policyOf({ finalize_report: { minApprovals: 2, allowSelfApproval: false, approvers: ['alice', 'bob', 'carol'] } }),
  });
  await waitForStatus(run, ['waiting_approval']);
  const alice = await signedIn('alice');
  const bob = await signedIn('bob');
  await alice.goto(`${base}/runs/${run.workflowId}`);
  await alice.getByRole('button', { name: 'Approve what is shown' }).click();
  await alice.locator('.notice.refused').waitFor();
  expect(await alice.locator('.notice.refused').textContent()).toMatch(/approve refused by run .*: .*alice started this run/i);

  await bob.goto(`${base}/runs/${run.workflowId}`);
  await bob.getByRole('button', { name: 'Approve what is shown' }).click();
  await bob.locator('.notice.done').waitFor();
  expect((await waitForStatus(run, ['waiting_approval'])).pendingAction).toMatchObject({
    stillNeeded: 1,
    approvals: [{ approver: 'bob' }],
  });
  expect(await bob.locator('dd', { hasText: 'still needed: 1' }).count()).toBe(1);
});

test('a page left open while the draft changed cannot approve the new one', async () => {
  // Two approvals needed: the edit (Carol's approval) opens a new digest and the gate stays open.
  const run = await startTestRun(bed.client, bed.env.HARNESS_TASK_QUEUE!, {
    topic: 'durable approvals, stale page',
    sources: await sampleSources(),
    policy: policyOf({ finalize_report: { minApprovals: 2 } }),
  });
  const before = await waitForStatus(run, ['waiting_approval']);
  const page = await signedIn('alice');
  await page.goto(`${base}/runs/${run.workflowId}`);
  // Typing keeps the page from reloading under the approver: it still shows the old digest.
  await page.getByLabel('Comment (optional)').fill('looks right');
  const edit = path.join(bed.dir, 'edited-report.md');
  await fs.writeFile(
    edit,
    `${before.pendingAction!.preview.firstLines[0]}\n\n## Key Findings\n\n- Carol rewrote this finding. _(source: operator)_\n\n## Harness Notes\n\n- Edited on approval.\n`,
  );
  const edited = await runHarness(
    ['approve', run.workflowId, '--digest', before.pendingAction!.digest, '--approver', 'carol', '--edit', edit],
    bed.env,
  );
  expect({ code: edited.code, stderr: edited.stderr }).toEqual({ code: 0, stderr: '' });
  await waitFor(async () => (await run.query(stateQuery)).pendingAction?.digest !== before.pendingAction!.digest, {
    timeoutMs: 60_000,
    what: 'the edit to open a new digest',
  });
  expect(await page.locator('code.digest').textContent()).toBe(before.pendingAction!.digest);
  await page.getByRole('button', { name: 'Approve what is shown' }).click();
  await page.locator('.notice.refused').waitFor();
  expect(await page.locator('.notice.refused').textContent()).toMatch(/digest/i);
  expect((await waitForStatus(run, ['waiting_approval'])).pendingAction!.approvals).toMatchObject([{ approver: 'carol', edited: true }]);
});

test('edit-then-approve from the page: the next approver sees the diff, and exactly the edit is written', async () => {
  const run = await startTestRun(bed.client, bed.env.HARNESS_TASK_QUEUE!, {
    topic: 'durable approvals, edited',
    sources: await sampleSources(),
    policy: policyOf({ finalize_report: { minApprovals: 2 } }),
  });
  await waitForStatus(run, ['waiting_approval']);
  const alice = await signedIn('alice');
  await alice.goto(`${base}/runs/${run.workflowId}`);
  const original = await alice.getByLabel('The report, as you would have it written').inputValue();
  const edited = `${original.trimEnd()}\n\n## Harness Notes\n\n- Alice added this line at the gate.\n`;
  await alice.getByLabel('The report, as you would have it written').fill(edited);
  await alice.getByRole('button', { name: 'Approve with this edit' }).click();
  await alice.locator('.notice.done').waitFor();

  const bob = await signedIn('bob');
  await bob.goto(`${base}/runs/${run.workflowId}`);
  expect(await bob.locator('.diff ins').allTextContents()).toEqual([expect.stringContaining('- Alice added this line at the gate.')]);
  expect(await bob.locator('pre.preview').textContent()).toBe(edited);
  await bob.locator('.diff').scrollIntoViewIfNeeded();
  await screenshot(bob, 'approvals-edit-diff.png');
  await bob.getByRole('button', { name: 'Approve what is shown' }).click();
  const finished = await waitForStatus(run, ['completed']);
  expect(await fs.readFile(path.join(bed.outputRoot, finished.artifacts.report!.path.replace(/^.*?(?=run-)/, '')), 'utf8')).toBe(edited);
});

test('script, markup and bidi controls from a run are shown as text', async () => {
  const topic = 'durable <script>window.pwned=1</script><img src=x onerror="window.pwned=2"> \u202Egnp.exe';
  const run = await startTestRun(bed.client, bed.env.HARNESS_TASK_QUEUE!, { topic, sources: await sampleSources() });
  await waitForStatus(run, ['waiting_approval']);
  const page = await signedIn('alice');
  await page.goto(`${base}/runs/${run.workflowId}`);
  const heading = await page.locator('h1').textContent();
  expect(heading).toBe('durable <script>window.pwned=1</script><img src=x onerror="window.pwned=2"> [U+202E]gnp.exe');
  expect(await page.locator('#live img, #live script').count()).toBe(0);
  expect(await page.evaluate('window.pwned')).toBeUndefined();
  await page.goto(`${base}/`);
  expect(await page.locator(`li.run[data-run="${run.workflowId}"] .topic`).textContent()).toContain('<script>');
  expect(await page.evaluate('window.pwned')).toBeUndefined();
});

test('a decision signed in the browser with WebCrypto is verified by the workflow; an unsigned one is refused', async () => {
  const keyDir = path.join(bed.dir, 'keys');
  const publicKeys: Record<string, string> = {};
  for (const name of ['alice', 'bob']) {
    expect(await runHarness(['keys', 'generate', '--name', name, '--dir', keyDir], bed.env)).toMatchObject({ code: 0 });
    publicKeys[name] = (await fs.readFile(path.join(keyDir, `${name}.pub`), 'utf8')).trim();
  }
  const publicKey = publicKeys.alice;
  const run = await startTestRun(bed.client, bed.env.HARNESS_TASK_QUEUE!, {
    topic: 'durable approvals, signed',
    sources: await sampleSources(),
    policy: policyOf(
      { finalize_report: { requireSignedApprovals: true, approvers: ['alice', 'bob'] } },
      { publicKeys: { alice: [publicKeys.alice], bob: [publicKeys.bob] } },
    ),
  });
  await waitForStatus(run, ['waiting_approval']);

  // Bob has no key in his browser: his approval goes unsigned and the run refuses it.
  const bob = await signedIn('bob');
  await bob.goto(`${base}/runs/${run.workflowId}`);
  await bob.locator('dd', { hasText: 'counts only signed decisions' }).waitFor();
  await bob.getByRole('button', { name: 'Approve what is shown' }).click();
  await bob.locator('.notice.refused').waitFor();
  expect(await bob.locator('.notice.refused').textContent()).toMatch(
    /policy "ui-test" counts only signed decisions at the finalize_report gate/,
  );

  // Alice loads her key file into the browser; the page shows its public half, the server never sees it.
  const alice = await signedIn('alice');
  const seen: string[] = [];
  alice.on('request', (r) => seen.push(`${r.url()} ${r.postData() ?? ''}`));
  await alice.goto(`${base}/key`);
  await alice.getByLabel('Your private key file').setInputFiles(path.join(keyDir, 'alice.key'));
  await alice.getByText(publicKey).waitFor();
  await alice.goto(`${base}/runs/${run.workflowId}`);
  await alice.getByRole('button', { name: 'Approve what is shown' }).click();
  await alice.locator('.notice.done').waitFor();
  const finished = await waitForStatus(run, ['completed']);
  expect(finished.decision?.approvals).toEqual([expect.objectContaining({ approver: 'alice', signedWith: keyFingerprint(publicKey) })]);
  const privateKey = await fs.readFile(path.join(keyDir, 'alice.key'), 'utf8');
  const keyBody = privateKey.split('\n')[1];
  expect(seen.some((line) => line.includes(keyBody) || line.includes(encodeURIComponent(keyBody)))).toBe(false);
});

test('with the payload codec on: the page reads encrypted memos and queries, and its approval completes the run', async () => {
  const keys = newCodecKeyEntry('ui-test');
  const taskQueue = uniqueName('ui-codec');
  const worker = await startTestWorker({ taskQueue, outputRoot: bed.outputRoot, env: { HARNESS_CODEC_KEYS: keys } });
  const env = { ...bed.env, HARNESS_TASK_QUEUE: taskQueue, HARNESS_CODEC_KEYS: keys };
  const tokenFile = path.join(bed.dir, 'ui-tokens.json');
  const keyed = await spawnHarnessUntil(
    ['ui', '--port', '0', '--tokens', tokenFile, '--poll-ms', '250'],
    env,
    /harness ui on http:\/\/127\.0\.0\.1:\d+\//,
    60_000,
  );
  const { client, close } = await testClient();
  try {
    const encrypted = new Client({ connection: client.connection, dataConverter: harnessDataConverter({ HARNESS_CODEC_KEYS: keys }) });
    const run = await startTestRun(encrypted, taskQueue, { topic: 'durable approvals, encrypted', sources: await sampleSources() });
    await waitForStatus(run, ['waiting_approval']);
    // Temporal holds the memo encrypted: a client without the key cannot read the topic.
    const described = await client.workflowService.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId: run.workflowId },
    });
    const memo = described.workflowExecutionInfo?.memo?.fields?.topic;
    expect(Buffer.from(memo!.metadata!.encoding!).toString()).toBe('binary/encrypted');

    const keyedBase = /harness ui on (http:\/\/127\.0\.0\.1:\d+)\//.exec(keyed.output())![1];
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${keyedBase}/`);
    await page.getByLabel('Token').fill(tokens.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`li.run[data-run="${run.workflowId}"] .topic`, { hasText: 'durable approvals, encrypted' }).waitFor();
    await page.goto(`${keyedBase}/runs/${run.workflowId}`);
    expect(await page.locator('pre.preview').textContent()).toContain('# Report: durable approvals, encrypted');
    await page.getByRole('button', { name: 'Approve what is shown' }).click();
    await page.locator('.report').waitFor();
    expect((await waitForStatus(run, ['completed'])).decision).toMatchObject({ outcome: 'approved', approver: 'alice' });
  } finally {
    await keyed.kill('SIGTERM');
    await close();
    await worker.stop();
  }
});

test("a workflow of the user's own on the run kernel: its gate shows the call's arguments, and an edit of them is what runs", async () => {
  const filed: string[] = [];
  const taskQueue = uniqueName('ui-kernel');
  const worker = await startTestWorker({
    taskQueue,
    outputRoot: bed.outputRoot,
    user: { tools: ticketTools(filed), workflowsPath: TICKET_WORKFLOWS },
  });
  try {
    const run = await bed.client.workflow.start('triage', { args: [{ ticketId: 'P1-9' }], taskQueue, workflowId: uniqueName('triage') });
    await waitForStatus(run, ['waiting_approval']);
    const page = await signedIn('alice');
    await page.goto(`${base}/runs/${run.workflowId}`);
    expect(await page.locator('h2').first().textContent()).toBe('Run file_ticket?');
    const editor = page.getByLabel('The arguments (JSON), as you would have the tool run');
    expect(JSON.parse(await editor.inputValue())).toEqual({ ticketId: 'P1-9', queue: 'urgent' });
    await editor.fill(JSON.stringify({ ticketId: 'P1-9', queue: 'normal' }));
    await page.getByRole('button', { name: 'Approve with this edit' }).click();
    await page.locator('.notice.done').waitFor();
    expect(await run.result()).toMatchObject({ status: 'completed' });
    expect(filed).toEqual(['P1-9@normal']);
    // Closed, it is rebuilt from its history with the user's workflows module: the page still reads it.
    await page.reload();
    expect(await page.locator('.notice.refused').allTextContents()).toEqual([]);
    expect(await page.locator('.status').textContent()).toBe('completed');
  } finally {
    await worker.stop();
  }
});

test('behind an authenticating proxy: the trusted header names the approver; without it nothing is served', async () => {
  const proxied = await spawnHarnessUntil(
    ['ui', '--port', '0', '--trusted-header', 'X-Forwarded-User', '--poll-ms', '250'],
    bed.env,
    /harness ui on http:\/\/127\.0\.0\.1:\d+\//,
    60_000,
  );
  try {
    const url = /harness ui on (http:\/\/127\.0\.0\.1:\d+)\//.exec(proxied.output())![1];
    expect((await fetch(`${url}/`)).status).toBe(401);
    expect((await fetch(`${url}/`, { headers: { 'x-forwarded-user': '  ' } })).status).toBe(401);
    const page = await fetch(`${url}/`, { headers: { 'x-forwarded-user': ' Alice ' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in as <strong>alice</strong>');
  } finally {
    await proxied.kill('SIGTERM');
  }
});

test('a body larger than any edit is refused before it is read', async () => {
  const host = new URL(base).host;
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      `${base}/sign-in`,
      { method: 'POST', agent: false, headers: { host, 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(`token=${'x'.repeat(2_000_000)}`);
  });
  expect(status).toBe(413);
});

/** A raw request with the headers a browser on another site (or a rebound DNS name) would send. */
function post(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end('digest=0&comment=x');
  });
}

test('a cross-origin POST and a foreign Host are refused before anything else', async () => {
  const host = new URL(base).host;
  expect(await post(`${base}/runs/any/approve`, { host, origin: 'http://attacker.example' })).toBe(403);
  expect(await post(`${base}/runs/any/approve`, { host, 'sec-fetch-site': 'cross-site' })).toBe(403);
  expect(await post(`${base}/sign-in`, { host: 'rebound.example:80' })).toBe(403);
  // Same origin, no session: asked to sign in, not served.
  expect(await post(`${base}/runs/any/approve`, { host, origin: base })).toBe(401);
});
