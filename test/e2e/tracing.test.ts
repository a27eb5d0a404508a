/**
 * OpenTelemetry end to end against a real Jaeger: `harness start` and `harness approve` as CLI
 * processes, `harness worker` processes exporting OTLP, the trace read back from Jaeger's query
 * API. One trace per run, across a worker SIGKILLed at the gate; nothing new after a replay and
 * 20 queries.
 */
import path from 'node:path';
import { waitFor } from '../../src/client/api/wait-for';
import { freePort } from '../../src/dev-server/free-port';
import { operationsOf, parentOf, tagOf, tracesOfWorkflow, type JaegerSpan, type JaegerTrace } from '../../src/observability/jaeger-api';
import { traceToGantt } from '../../src/observability/trace-gantt';
import { launchBrowser } from '../helpers/browser';
import { startJaeger, type RunningJaeger } from '../../src/observability/jaeger';
import { stateQuery } from '../../src/shared/messages';
import { runHarness } from '../helpers/processes';
import { useClient, useWorkerProcesses } from '../helpers/test-bed';
import { tempDir, testAddress, uniqueName, waitForStatus } from '../helpers/temporal';

const SCREENSHOT_DIRS = [
  path.resolve(__dirname, '../../test-results'),
  ...(process.env.HARNESS_UPDATE_SCREENSHOTS ? [path.resolve(__dirname, '../../docs')] : []),
];

/** The trace as Jaeger's API returned it, drawn by Mermaid in Chromium (the picture in docs/observability.md; `npm run docs:trace`). */
async function drawTrace(trace: JaegerTrace, runId: string): Promise<void> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.setContent('<!doctype html><html><body style="background:white"><div id="chart"></div></body></html>');
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    const svg = await page.evaluate(
      async (text) => {
        const mermaid = (
          globalThis as unknown as { mermaid: { initialize(o: object): void; render(id: string, t: string): Promise<{ svg: string }> } }
        ).mermaid;
        mermaid.initialize({ startOnLoad: false, gantt: { useWidth: 1350 } });
        const { svg } = await mermaid.render('trace', text);
        (globalThis as unknown as { document: { getElementById(id: string): { innerHTML: string } } }).document.getElementById(
          'chart',
        ).innerHTML = svg;
        return svg;
      },
      traceToGantt(trace, `run ${runId}, one trace from Jaeger (${trace.spans.length} spans)`),
    );
    expect(svg).toContain('Gate finalize_report');
    for (const dir of SCREENSHOT_DIRS) await page.locator('#chart').screenshot({ path: path.join(dir, 'jaeger-trace.png') });
  } finally {
    await browser.close();
  }
}

const temporal = useClient();
const spawnWorkerProcess = useWorkerProcesses();
let jaeger: RunningJaeger;

beforeAll(async () => {
  jaeger = await startJaeger({ otlpGrpc: await freePort(), otlpHttp: await freePort(), ui: await freePort() }, await tempDir('jaeger'));
});
afterAll(async () => jaeger?.stop());

const spansOf = async (workflowId: string): Promise<JaegerSpan[]> =>
  (await tracesOfWorkflow(jaeger.uiUrl, workflowId)).flatMap((t) => t.spans);
const named = (spans: JaegerSpan[], name: string) => spans.filter((s) => s.operationName === name);

test('one trace per run: CLI start → workflow → every tool attempt → the gate → finalize_report, across a worker crash', async () => {
  const outputRoot = await tempDir('tracing-out');
  const env = {
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: uniqueName('tracing'),
    HARNESS_OUTPUT_DIR: outputRoot,
    HARNESS_MODEL_PROVIDER: 'offline',
    OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    XDG_STATE_HOME: await tempDir('tracing-state'),
  };
  const first = await spawnWorkerProcess(env);
  const doctor = JSON.parse((await runHarness(['doctor', '--json'], env)).stdout) as { checks: { name: string; status: string }[] };
  expect(doctor.checks.find((c) => c.name === 'tracing')).toMatchObject({ status: 'ok' });
  const runId = uniqueName('traced');
  const started = await runHarness(['start', '--id', runId, '--topic', 'durable agent harness', '--json'], env);
  expect(started.code).toBe(0);
  const run = temporal.client.workflow.getHandle(runId);
  const gate = await waitForStatus(run, ['waiting_approval']);

  // The steps before the gate reached Jaeger; then the worker dies without flushing anything else.
  const beforeGate = await waitFor(
    async () => {
      const spans = await spansOf(runId);
      return named(spans, 'RunActivity:review_draft').length > 0 && spans;
    },
    { timeoutMs: 30_000, what: 'pre-gate spans in Jaeger' },
  );
  await first.kill('SIGKILL');
  const second = await spawnWorkerProcess(env);
  // The new worker replays the run at the first query; the other 19 hit its cache.
  for (let i = 0; i < 20; i++) expect((await run.query(stateQuery)).status).toBe('waiting_approval');
  // Reading a run from the CLI (a query, a describe) is not traced: polling adds nothing to Jaeger.
  expect((await runHarness(['status', runId], env)).code).toBe(0);
  expect((await runHarness(['pending', runId], env)).code).toBe(0);
  const approved = await runHarness(['approve', runId, '--approver', 'alice', '--digest', gate.pendingAction!.digest], env);
  expect(approved.code).toBe(0);
  await waitForStatus(run, ['completed']);
  await second.kill('SIGTERM'); // a graceful stop flushes its spans

  // The run's work is one trace; the approver's CLI has its own small trace (its update call).
  // Jaeger stores what it received within its batch timeout: wait for the span that ends last.
  await waitFor(async () => named(await spansOf(runId), 'RunWorkflow:researchRun').length > 0, {
    timeoutMs: 30_000,
    what: 'the run span in Jaeger',
  });
  const traces = await tracesOfWorkflow(jaeger.uiUrl, runId);
  const runTraces = traces.filter((t) => t.spans.some((s) => !s.operationName.match(/^(StartWorkflowUpdate|SignalWorkflow)/)));
  expect(runTraces).toHaveLength(1);
  const spans = runTraces[0].spans;
  const byId = new Map(spans.map((s) => [s.spanID, s]));
  const parentName = (s: JaegerSpan) => byId.get(parentOf(s) ?? '')?.operationName;

  // Each span once: the run's span, begun on the dead worker, was rebuilt on replay with the same id;
  // what the dead worker had exported was not exported again by the replay.
  expect(byId.size).toBe(spans.length);
  for (const early of beforeGate) expect(spans.filter((s) => s.spanID === early.spanID)).toHaveLength(1);
  const [start] = named(spans, 'StartWorkflow:researchRun');
  const [workflow] = named(spans, 'RunWorkflow:researchRun');
  expect(named(spans, 'RunWorkflow:researchRun')).toHaveLength(1);
  expect(parentOf(start)).toBeUndefined();
  expect(parentName(workflow)).toBe('StartWorkflow:researchRun');
  expect(tagOf(workflow, 'harness.run.status')).toBe('completed');

  for (const tool of ['plan_run', 'search_sources', 'extract_facts', 'draft_report', 'review_draft', 'finalize_report']) {
    const attempts = named(spans, `RunActivity:${tool}`);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    for (const attempt of attempts) {
      expect(parentName(attempt)).toBe(`StartActivity:${tool}`);
      expect(tagOf(attempt, 'harness.tool')).toBe(tool);
      expect(tagOf(attempt, 'harness.attempt')).toBeGreaterThanOrEqual(1);
      expect(tagOf(attempt, 'harness.outcome')).toBe('ok');
      expect(['local', 'remote']).toContain(tagOf(attempt, 'harness.execution'));
    }
    const call = named(spans, `StartActivity:${tool}`)[0];
    expect(parentName(call)).toBe('RunWorkflow:researchRun');
    expect(tagOf(call, 'harness.policy.verdict')).toMatch(/allowed|approval_required/);
  }
  expect(tagOf(named(spans, 'RunActivity:draft_report')[0], 'harness.model')).toEqual(expect.any(String));
  expect(tagOf(named(spans, 'RunActivity:finalize_report')[0], 'harness.tool.risk')).toBe('risky');

  const gates = named(spans, 'Gate:finalize_report');
  expect(gates).toHaveLength(1);
  expect(parentName(gates[0])).toBe('RunWorkflow:researchRun');
  expect(tagOf(gates[0], 'harness.approval.outcome')).toBe('approved');
  expect(tagOf(gates[0], 'harness.approval.approver')).toBe('alice');
  expect(tagOf(gates[0], 'harness.gate.waited_ms')).toBeGreaterThan(0);
  expect(tagOf(gates[0], 'harness.policy.verdict')).toBe('approval_required');

  await drawTrace(runTraces[0], runId);

  // A replay (a new worker answering for a closed run it never cached) and 20 queries add nothing.
  const third = await spawnWorkerProcess(env);
  for (let i = 0; i < 20; i++) expect((await run.query(stateQuery)).status).toBe('completed');
  await third.kill('SIGTERM');
  // A barrier: a span sent after the third worker stopped; once Jaeger shows it, anything that worker sent is stored too.
  const barrier = uniqueName('barrier');
  expect((await runHarness(['start', '--id', barrier, '--topic', 'a barrier span', '--json'], env)).code).toBe(0);
  await waitFor(async () => (await spansOf(barrier)).length > 0, { timeoutMs: 30_000, what: 'the barrier span in Jaeger' });
  const after = (await tracesOfWorkflow(jaeger.uiUrl, runId)).find((t) => t.traceID === runTraces[0].traceID)!.spans;
  expect(after.map((s) => s.spanID).sort()).toEqual(spans.map((s) => s.spanID).sort());
  expect(
    (await operationsOf(jaeger.uiUrl)).filter((name) =>
      /^(HandleQuery|HandleUpdate|HandleSignal|ValidateUpdate|QueryWorkflow|DescribeWorkflow)/.test(name),
    ),
  ).toEqual([]);
});

test('roles nest under their parent: StartChildWorkflow → RunWorkflow of each role, in the run’s one trace', async () => {
  const env = {
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: uniqueName('tracing-roles'),
    HARNESS_OUTPUT_DIR: await tempDir('tracing-roles-out'),
    OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    XDG_STATE_HOME: await tempDir('tracing-roles-state'),
  };
  await spawnWorkerProcess(env);
  const runId = uniqueName('traced-roles');
  expect((await runHarness(['start', '--id', runId, '--topic', 'durable agent harness', '--multi-agent', '--json'], env)).code).toBe(0);
  const run = temporal.client.workflow.getHandle(runId);
  const gate = await waitForStatus(run, ['waiting_approval']);
  expect((await runHarness(['approve', runId, '--approver', 'alice', '--digest', gate.pendingAction!.digest], env)).code).toBe(0);
  await waitForStatus(run, ['completed']);
  const spans = await waitFor(
    async () => {
      const all =
        (await tracesOfWorkflow(jaeger.uiUrl, runId)).find((t) => t.spans.some((s) => s.operationName === 'StartWorkflow:researchRun'))
          ?.spans ?? [];
      return named(all, 'RunWorkflow:researchRun').length > 0 && all;
    },
    { timeoutMs: 30_000, what: 'the multi-role run in Jaeger' },
  );
  const byId = new Map(spans.map((s) => [s.spanID, s]));
  const parentName = (s: JaegerSpan) => byId.get(parentOf(s) ?? '')?.operationName;
  expect(new Set(spans.map((s) => s.traceID)).size).toBe(1);
  for (const role of ['plannerRole', 'executorRole', 'reviewerRole']) {
    const [child] = named(spans, `RunWorkflow:${role}`);
    expect(parentName(child)).toBe(`StartChildWorkflow:${role}`);
    expect(parentName(byId.get(parentOf(child)!)!)).toBe('RunWorkflow:researchRun');
  }
  // A tool call made inside a role hangs under that role.
  expect(parentName(named(spans, 'StartActivity:draft_report')[0])).toBe('RunWorkflow:executorRole');
});
