/**
 * Prometheus end to end: a real Prometheus (Debian's) scrapes a `harness worker` process; after a
 * completed and a rejected run the series are read back through its HTTP API; the shipped alert
 * rules pass promtool and one of them fires when the worker goes away.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { waitFor } from '../../src/client/api/wait-for';
import { freePort } from '../../src/dev-server/free-port';
import {
  ALERT_RULES_FILE,
  alertsOf,
  GRAFANA_DASHBOARD_FILE,
  queryPrometheus,
  startPrometheus,
  type RunningPrometheus,
} from '../../src/observability/prometheus';
import { approveSignal, rejectSignal } from '../../src/shared/messages';
import { PROMTOOL, toolPath } from '../../src/toolchain/debian-tools';
import { runHarness } from '../helpers/processes';
import { useClient, useWorkerProcesses } from '../helpers/test-bed';
import { sampleSources, startTestRun, tempDir, testAddress, uniqueName, waitForStatus } from '../helpers/temporal';

const temporal = useClient();
const spawnWorkerProcess = useWorkerProcesses();
let prometheus: RunningPrometheus;

interface Rule {
  alert: string;
  expr: string;
  for?: string;
}
const rulesOf = (file: string): Rule[] => (YAML.parse(file) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

test('the shipped alert rules pass promtool', async () => {
  const { stdout } = await promisify(execFile)(toolPath(PROMTOOL), ['check', 'rules', ALERT_RULES_FILE]);
  expect(stdout).toMatch(/SUCCESS: 5 rules found/);
});

test('a worker exports run, gate, tool and SDK metrics; Prometheus scrapes them; an alert fires when the worker goes', async () => {
  const dir = await tempDir('metrics');
  // The shipped rules with their `for` durations dropped, so an alert fires within the test.
  const rules = YAML.parse(await fs.readFile(ALERT_RULES_FILE, 'utf8'));
  for (const group of rules.groups) for (const rule of group.rules) delete rule.for;
  const rulesFile = path.join(dir, 'alerts.yml');
  await fs.writeFile(rulesFile, YAML.stringify(rules));
  const metricsAddresses = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
  prometheus = await startPrometheus({ port: await freePort(), targets: metricsAddresses, rulesFiles: [rulesFile], intervalS: 1, dir });

  const taskQueue = uniqueName('metrics');
  const spawnWorker = async (metricsAddress: string) =>
    spawnWorkerProcess({
      TEMPORAL_ADDRESS: testAddress(),
      HARNESS_TASK_QUEUE: taskQueue,
      HARNESS_OUTPUT_DIR: outputRoot,
      HARNESS_METRICS_ADDRESS: metricsAddress,
      HARNESS_METRICS_POLL_MS: '300',
    });
  const outputRoot = await tempDir('metrics-out');
  const first = await spawnWorker(metricsAddresses[0]);
  expect(first.output()).toContain(`Prometheus metrics at http://${metricsAddresses[0]}/metrics`);
  const doctor = await runHarness(['doctor', '--json'], {
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: taskQueue,
    HARNESS_METRICS_ADDRESS: metricsAddresses[0],
  });
  expect(JSON.parse(doctor.stdout).checks.find((c: { name: string }) => c.name === 'metrics')).toMatchObject({ status: 'ok' });
  const query = (promql: string) => queryPrometheus(prometheus.url, promql);
  const valueOf = async (promql: string) => Number((await query(promql))[0]?.value[1] ?? NaN);
  // Summed over both workers, the dead one included (its last scrape), so a count made twice shows.
  const total = (series: string) => valueOf(`sum(max_over_time(${series}[10m]))`);
  const ofQueue = `taskQueue="${taskQueue}"`;

  const start = async () => startTestRun(temporal.client, taskQueue, { topic: 'durable agent harness', sources: await sampleSources() });
  const approved = await start();
  const atGate = await waitForStatus(approved, ['waiting_approval']);
  // The open-run gauge (from visibility) sees the run at its gate.
  await waitFor(async () => (await valueOf('max(harness_runs_open{status="waiting_approval"})')) >= 1, {
    timeoutMs: 30_000,
    what: 'the waiting-approval gauge in Prometheus',
  });
  await approved.signal(approveSignal, { approver: 'ops', digest: atGate.pendingAction!.digest });
  await waitForStatus(approved, ['completed']);

  // The second run reaches its gate on the first worker, which dies once Prometheus has its counts;
  // the second worker replays the run from its history (start included) and ends it.
  const rejected = await start();
  await waitForStatus(rejected, ['waiting_approval']);
  // A scrape taken after the second run's last step before the gate holds everything the first worker counted.
  await waitFor(
    async () =>
      (await valueOf(`sum(harness_runs_started_total{${ofQueue}})`)) === 2 &&
      (await valueOf('sum(harness_tool_attempts_total{tool="review_draft"})')) === 2,
    { timeoutMs: 30_000, what: "the first worker's counts scraped" },
  );
  await first.kill('SIGKILL');
  const second = await spawnWorker(metricsAddresses[1]);
  await rejected.signal(rejectSignal, { approver: 'ops', reason: 'not this one' });
  await waitForStatus(rejected, ['rejected']);

  const ended = (status: string) => total(`harness_runs_ended_total{status="${status}", ${ofQueue}}`);
  await waitFor(async () => (await ended('completed')) === 1 && (await ended('rejected')) === 1, {
    timeoutMs: 30_000,
    what: 'one completed and one rejected run in Prometheus',
  });
  // The replay on the second worker counted nothing again.
  expect(await total(`harness_runs_started_total{${ofQueue}, workflowType="researchRun"}`)).toBe(2);
  expect(await total(`harness_approvals_total{${ofQueue}, outcome="approved"}`)).toBe(1);
  expect(await total(`harness_approvals_total{${ofQueue}, outcome="rejected"}`)).toBe(1);
  expect(await total(`harness_gate_wait_seconds_count{${ofQueue}, tool="finalize_report"}`)).toBe(2);
  expect(await total(`harness_gate_wait_seconds_sum{${ofQueue}}`)).toBeGreaterThan(0);
  // Tool attempts from the activity side (tools only): the five before the gate once per run, finalize_report once.
  expect(await total('harness_tool_attempts_total{tool="plan_run", outcome="ok"}')).toBe(2);
  expect(await total('harness_tool_attempts_total{tool="finalize_report", outcome="ok"}')).toBe(1);
  expect(await total('harness_tool_attempt_seconds_count{tool="draft_report"}')).toBe(2);
  // The SDK's own runtime metrics come through the same exporter.
  expect(await total(`temporal_workflow_completed_total{task_queue="${taskQueue}"}`)).toBeGreaterThanOrEqual(1);

  // Every expression of the dashboard and of the rules parses in this Prometheus.
  const dashboard = JSON.parse(await fs.readFile(GRAFANA_DASHBOARD_FILE, 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  for (const expr of [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...rulesOf(await fs.readFile(ALERT_RULES_FILE, 'utf8')).map((r) => r.expr),
  ])
    expect(Array.isArray(await query(expr))).toBe(true);

  // No worker: the scrape fails and HarnessNoWorkerPolling fires.
  expect((await alertsOf(prometheus.url)).filter((a) => a.labels.alertname === 'HarnessNoWorkerPolling')).toEqual([]);
  await second.kill('SIGKILL');
  await waitFor(
    async () => (await alertsOf(prometheus.url)).some((a) => a.labels.alertname === 'HarnessNoWorkerPolling' && a.state === 'firing'),
    {
      timeoutMs: 30_000,
      what: 'HarnessNoWorkerPolling to fire',
    },
  );
});

afterAll(async () => prometheus?.stop());
