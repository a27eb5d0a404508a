/**
 * `npm run record-histories`: runs each recorded scenario on a real dev server and saves its
 * event history as JSON under test/histories/, the replay set that guards determinism.
 * Histories of earlier workflow shapes are kept; a scenario overwrites only its own file. Names
 * given as arguments record only those research-run scenarios (the tool call is always recorded).
 * With HARNESS_CODEC_KEYS set, client and worker encrypt, and the files are named `encrypted-*`.
 */
import type { RunExecution } from '../shared/execution';
import { ApplicationFailure } from '@temporalio/activity';
import { Client, WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createActivities } from '../activities';
import { offlineProvider } from '../activities/model/offline-provider';
import { startRun } from '../client/api/runs';
import { startToolCall } from '../client/api/tool-calls';
import { importRuns } from '../client/api/import-runs';
import { sha256Hex } from '../shared/digest';
import { readSourcesFile, SAMPLE_SOURCES } from '../client/api/sources-file';
import { waitFor } from '../client/api/wait-for';
import { ensureServer } from '../dev-server/dev-server';
import { REPO_ROOT } from '../paths';
import { readEnv } from '../config/env';
import { isSecured } from '../config/temporal-profile';
import { connectClientConnection, connectWorkerConnection } from '../temporal-connection';
import { DEFAULT_POLICY_FILE, loadPolicyFile, policyDigest } from '../config/policy-file';
import { approveSignal, approveUpdate, rejectSignal, rejectUpdate, resumeUpdate, stateQuery } from '../shared/messages';
import { Policy, PolicyInput } from '../shared/policy';
import { HarnessActivities } from '../shared/tools';
import { NON_RETRYABLE } from '../shared/tool-contract';
import { createHarnessWorker } from '../worker/create-worker';
import { codecEnabled, harnessDataConverter } from '../codec/data-converter';
import { newSigningKey, signStatement } from '../client/api/signing-keys';
import type { SignedStatement } from '../shared/signed-decision';

/** Where the histories go: the replay set, or HARNESS_HISTORIES_DIR (the cluster tier records its own). */
export const HISTORIES_DIR = process.env.HARNESS_HISTORIES_DIR || path.join(REPO_ROOT, 'test', 'histories');
const TASK_QUEUE = 'record-histories';
const TOPIC = 'durable agent harness engineering';

type Scenario = (client: Client, run: WorkflowHandle) => Promise<void>;

async function atGate(run: WorkflowHandle) {
  return waitFor(
    async () => {
      const state = await run.query(stateQuery);
      return state.status === 'waiting_approval' ? state : null;
    },
    { timeoutMs: 30_000, what: `${run.workflowId} at the gate` },
  );
}

const approveAtGate: Scenario = async (_client, run) => {
  const state = await atGate(run);
  await run.executeUpdate(approveUpdate, { args: [{ approver: 'recorder', digest: state.pendingAction!.digest }] });
  await run.result();
};

/** Which policy a scenario's run snapshots: the checked-in default, an inline one, or none (worker default). */
type PolicyChoice = 'default' | 'none' | PolicyInput;

interface ScenarioSpec {
  topic?: string;
  heartbeatTimeoutMs?: number;
  execution?: RunExecution;
  multiAgent?: boolean;
  policy?: PolicyChoice;
  scenario: Scenario;
}

const QUORUM_WITH_ESCALATION: PolicyInput = {
  version: 1,
  name: 'recorded-quorum',
  roles: { reviewers: ['alice', 'bob'], leads: ['carol'] },
  tools: {
    finalize_report: {
      approvers: ['role:reviewers'],
      minApprovals: 2,
      allowSelfApproval: false,
      timeout: '2s',
      onTimeout: 'escalate',
      escalateTo: ['role:leads'],
    },
  },
};

const GATED_DRAFT: PolicyInput = {
  version: 1,
  name: 'recorded-gated-draft',
  tools: { draft_report: { approval: 'required', minApprovals: 2 } },
};

/** Two approvers whose keys exist only for this recording: the run verifies against the snapshot it carries. */
const SIGNERS = { alice: newSigningKey(), bob: newSigningKey() };
const SIGNED: PolicyInput = {
  version: 1,
  name: 'recorded-signed',
  publicKeys: { alice: [SIGNERS.alice.publicKey], bob: [SIGNERS.bob.publicKey] },
  tools: { finalize_report: { requireSignedApprovals: true, approvers: ['alice', 'bob'], minApprovals: 2 } },
};

/** A signed approval of the run's open gate, as `harness approve --key` makes it. */
async function signedApproval(run: WorkflowHandle, approver: keyof typeof SIGNERS, over: Partial<SignedStatement> = {}) {
  const { pendingAction } = await atGate(run);
  const { runId } = await run.describe();
  const statement: SignedStatement = {
    v: 1,
    workflowId: run.workflowId,
    runId,
    gate: pendingAction!.gate!,
    tool: pendingAction!.tool,
    digest: pendingAction!.digest,
    decision: 'approve',
    approver,
    at: new Date().toISOString(),
    edit: null,
    note: null,
    ...over,
  };
  return { approver, digest: pendingAction!.digest, signature: signStatement(SIGNERS[approver], statement) };
}

const SCENARIOS: Record<string, ScenarioSpec> = {
  'happy-path': { scenario: approveAtGate },
  'reject-path': {
    scenario: async (_client, run) => {
      await atGate(run);
      await run.executeUpdate(rejectUpdate, { args: [{ approver: 'recorder', reason: 'recording the reject path' }] });
      await run.result();
    },
  },
  // Signals as tctl and Temporal Web send them, including two that the run refuses.
  'refused-approval': {
    scenario: async (_client, run) => {
      const state = await atGate(run);
      await run.signal(approveSignal, { approver: 42 });
      await run.signal(approveSignal, { approver: 'recorder', digest: 'f'.repeat(64) });
      await run.signal(approveSignal, { approver: 'recorder', digest: state.pendingAction!.digest });
      await run.result();
    },
  },
  // The flaky search_sources below fails its first attempt in this scenario.
  'retried-tool': { topic: 'flaky durable agent harness', scenario: approveAtGate },
  // The first draft_report attempt goes silent, as when its worker is SIGKILLed: it times out on
  // heartbeat and the retry completes. History-wise this is exactly a crash-recovered run.
  'crash-recovered': { topic: 'stalled durable agent harness', heartbeatTimeoutMs: 1_000, scenario: approveAtGate },
  'failed-review': { topic: 'quantum chromodynamics', scenario: async (_c, run) => void (await run.result().catch(() => undefined)) },
  // extract_facts fails for good once: the run pauses, an operator resumes it, it completes.
  'paused-resumed': {
    topic: 'broken durable agent harness',
    scenario: async (client, run) => {
      await waitFor(async () => (await run.query(stateQuery)).status === 'paused_on_error', { timeoutMs: 30_000, what: 'the pause' });
      await run.executeUpdate(resumeUpdate, { args: [{ operator: 'recorder' }] });
      await approveAtGate(client, run);
    },
  },
  // Quorum of two reviewers, an expiry that escalates to the leads, and an edited report.
  'quorum-escalation-edit': {
    policy: QUORUM_WITH_ESCALATION,
    scenario: async (_client, run) => {
      const state = await atGate(run);
      await run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: state.pendingAction!.digest }] });
      await waitFor(async () => (await run.query(stateQuery)).pendingAction?.escalated, { timeoutMs: 30_000, what: 'the escalation' });
      const markdown = `# Report: durable agent harness engineering\n\n## Key Findings\n\n- Edited. _(source: recorder)_\n\n## Harness Notes\n\n- Edited on approval.\n`;
      await run.executeUpdate(approveUpdate, { args: [{ approver: 'carol', edit: markdown }] });
      await run.executeUpdate(approveUpdate, { args: [{ approver: 'bob' }] });
      await run.result();
    },
  },
  // A gate before draft_report (quorum of 2): one approval, an edit of the arguments, one more; then the report's gate.
  'draft-gate': {
    policy: GATED_DRAFT,
    scenario: async (_client, run) => {
      const first = await atGate(run);
      await run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: first.pendingAction!.digest }] });
      const edited = {
        topic: TOPIC,
        plan: ['Say what the approver changed.'],
        facts: [{ source: 'recorder', text: 'An approver narrowed the findings.' }],
      };
      await run.executeUpdate(approveUpdate, { args: [{ approver: 'bob', edit: edited }] });
      await run.executeUpdate(approveUpdate, { args: [{ approver: 'carol' }] });
      await waitFor(async () => (await run.query(stateQuery)).pendingAction?.tool === 'finalize_report', {
        timeoutMs: 30_000,
        what: 'the report gate',
      });
      await approveAtGate(_client, run);
    },
  },
  'draft-gate-rejected': {
    policy: GATED_DRAFT,
    scenario: async (_client, run) => {
      await atGate(run);
      await run.signal(rejectSignal, { approver: 'recorder', reason: 'recording a reject at a non-final gate' });
      await run.result();
    },
  },
  // Signed approvals required: unsigned and misdirected ones refused (signal and update), then two signed ones.
  'signed-approvals': {
    policy: SIGNED,
    scenario: async (_client, run) => {
      const state = await atGate(run);
      await run.signal(approveSignal, { approver: 'alice', digest: state.pendingAction!.digest });
      await run.signal(approveSignal, await signedApproval(run, 'alice', { gate: 9 }));
      await run.executeUpdate(approveUpdate, { args: [await signedApproval(run, 'bob', { decision: 'reject' })] }).catch(() => undefined);
      await run.executeUpdate(approveUpdate, { args: [await signedApproval(run, 'alice')] });
      await run.signal(approveSignal, await signedApproval(run, 'bob'));
      await run.result();
    },
  },
  // Roles as child workflows: planner, executor, reviewer, then the parent's gate.
  'multi-role': { multiAgent: true, scenario: approveAtGate },
  // Every tool a local activity, the report's write too: one marker per step.
  'all-local': { execution: 'local', scenario: approveAtGate },
  // Started without a snapshot (as `temporal workflow start` would): the worker's default policy is recorded.
  'worker-default-policy': { policy: 'none', scenario: approveAtGate },
  // What comes back in is checked (shape-2026-12-04): an undecodable signal is refused, a forged
  // report result pauses the run, and the resumed write is the real one.
  'untrusted-input': {
    scenario: async (client, run) => {
      const state = await atGate(run);
      await client.workflowService.signalWorkflowExecution({
        namespace: client.options.namespace,
        workflowExecution: { workflowId: run.workflowId },
        signalName: 'approve',
        input: { payloads: [{ metadata: { encoding: Buffer.from('binary/garbage') }, data: Buffer.from('junk') }] },
        identity: 'recorder',
      });
      await run.executeUpdate(approveUpdate, { args: [{ approver: 'recorder', digest: state.pendingAction!.digest }] });
      const activityId = await waitFor(
        async () =>
          (await run.describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'finalize_report' && a.lastFailure)
            ?.activityId,
        { timeoutMs: 30_000, what: 'finalize_report to wait for its retry' },
      );
      await client.activity.complete(
        { workflowId: run.workflowId, activityId },
        { path: '/etc/shadow', bytes: 1, sha256: state.pendingAction!.digest },
      );
      await waitFor(async () => (await run.query(stateQuery)).status === 'paused_on_error', { timeoutMs: 30_000, what: 'the pause' });
      await run.executeUpdate(resumeUpdate, { args: [{ operator: 'recorder' }] });
      await run.result();
    },
  },
  cancelled: {
    scenario: async (_client, run) => {
      await atGate(run);
      await run.cancel();
      await run.result().catch(() => undefined);
    },
  },
};

function recordingActivities(outputRoot: string): HarnessActivities {
  const real = createActivities({ outputRoot, model: offlineProvider });
  const failedOnce = new Set<string>();
  const brokenOnce = new Set<string>();
  let currentTopic = '';
  return {
    ...real,
    draft_report: async (input) => {
      if (input.topic.startsWith('stalled') && !failedOnce.has(`draft:${input.topic}`)) {
        failedOnce.add(`draft:${input.topic}`);
        await new Promise((resolve) => setTimeout(resolve, 3_000)); // no heartbeat: the attempt is lost
      }
      return real.draft_report(input);
    },
    // extract_facts sees no topic, so the "broken" scenario is recognised by the topic search_sources saw last.
    extract_facts: async (input) => {
      if (input.matches.some((m) => m.content.length) && brokenOnce.size === 0 && currentTopic.startsWith('broken')) {
        brokenOnce.add('extract');
        throw ApplicationFailure.nonRetryable('extract_facts: invalid input: matches: broken', NON_RETRYABLE.invalidInput);
      }
      return real.extract_facts(input);
    },
    // The untrusted-input scenario's first write fails with a long backoff, so its result can be forged meanwhile.
    finalize_report: async (input) => {
      if (input.runId.startsWith('history-untrusted-input') && !failedOnce.has(input.runId)) {
        failedOnce.add(input.runId);
        throw ApplicationFailure.create({ message: 'EFBIG: file too large (recorded)', type: 'EFBIG', nextRetryDelay: '10 minutes' });
      }
      return real.finalize_report(input);
    },
    search_sources: async (input) => {
      currentTopic = input.topic;
      if (input.topic.startsWith('flaky') && !failedOnce.has(input.topic)) {
        failedOnce.add(input.topic);
        throw ApplicationFailure.retryable('index briefly unavailable', 'SourceUnavailable');
      }
      return real.search_sources(input);
    },
  };
}

/** The seed harness's run folders the import test reads; one is recorded as an imported run. */
const SEED_RUNS = path.join(REPO_ROOT, 'test', 'client', 'cli', 'fixtures', 'seed-runs');

/** A seed run folder under a new id: its state.json names the run, as the seed writes it. */
async function copySeedRun(from: string, to: string): Promise<void> {
  const state = JSON.parse(await fs.readFile(path.join(from, 'state.json'), 'utf8'));
  await fs.mkdir(to, { recursive: true });
  await fs.writeFile(path.join(to, 'state.json'), JSON.stringify({ ...state, run_id: path.basename(to) }));
}

async function main(): Promise<void> {
  // Its own dev server unless told otherwise (TEMPORAL_ADDRESS, or a TLS profile: a real cluster).
  const env = readEnv({ TEMPORAL_ADDRESS: '127.0.0.1:17299', ...process.env });
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = isSecured(env) ? null : await ensureServer({ address: env.TEMPORAL_ADDRESS });
  const outputRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'harness-record-'));
  const nativeConnection = await connectWorkerConnection(env, { waitMs: 0 });
  const connection = await connectClientConnection(env);
  const dataConverter = harnessDataConverter(env);
  const prefix = codecEnabled(env) ? 'encrypted-' : '';
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter });
  const sources = await readSourcesFile(SAMPLE_SOURCES);
  try {
    const worker = await createHarnessWorker({
      connection: nativeConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: TASK_QUEUE,
      activities: recordingActivities(outputRoot),
      shutdownSignals: [],
      dataConverter,
    });
    await worker.runUntil(async () => {
      await fs.mkdir(HISTORIES_DIR, { recursive: true });
      const defaults = await loadPolicyFile(DEFAULT_POLICY_FILE);
      const save = async (name: string, run: WorkflowHandle) => {
        const file = path.join(HISTORIES_DIR, `${prefix}${name}.json`);
        await fs.writeFile(file, historyToJSON(await run.fetchHistory()) + '\n');
        console.log(`recorded ${path.relative(REPO_ROOT, file)}`);
      };
      const only = process.argv.slice(2);
      for (const [name, { topic, heartbeatTimeoutMs, execution, multiAgent, policy = 'default', scenario }] of Object.entries(SCENARIOS)) {
        if (only.length && !only.includes(name)) continue;
        const snapshot =
          policy === 'none'
            ? undefined
            : policy === 'default'
              ? defaults
              : { policy: Policy.parse(policy), digest: policyDigest(Policy.parse(policy)), source: 'inline' };
        const run = await startRun(
          { client, taskQueue: TASK_QUEUE },
          {
            id: `history-${name}-${Date.now()}`,
            topic: topic ?? TOPIC,
            sources,
            startedBy: 'recorder',
            policy: snapshot,
            options: {
              ...(heartbeatTimeoutMs ? { heartbeatTimeoutMs } : {}),
              ...(execution ? { execution } : {}),
              ...(multiAgent ? { multiAgent } : {}),
            },
          },
        );
        await scenario(client, run);
        await save(name, run);
      }
      // One tool as a toolCall workflow (`harness mcp call`): the report's write, gated and approved.
      const markdown = '# Report: recorded\n\n## Key Findings\n\n- Written through a tool call. _(source: recorder)_\n';
      const call = await startToolCall(
        { client, taskQueue: TASK_QUEUE },
        {
          tool: 'finalize_report',
          args: { runId: `history-tool-call-${Date.now()}`, markdown, sha256: sha256Hex(markdown) },
          policy: defaults,
          startedBy: 'recorder',
        },
      );
      await approveAtGate(client, call);
      await save('tool-call-gated', call);
      // A seed harness run that waited at its gate, imported (`harness import`) and approved here.
      const importedId = `history-imported-${Date.now()}`;
      const seedRuns = path.join(outputRoot, 'seed-runs');
      await copySeedRun(path.join(SEED_RUNS, '87538eb9-39ee-4e15-a33e-7072bd037d53'), path.join(seedRuns, importedId));
      await importRuns({ client, taskQueue: TASK_QUEUE }, seedRuns, { ids: [importedId], policy: defaults, startedBy: 'recorder' });
      const imported = client.workflow.getHandle(importedId);
      await approveAtGate(client, imported);
      await save('imported-run-approved', imported);
    });
  } finally {
    await connection.close();
    await nativeConnection.close();
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(`record-histories: ${err instanceof Error ? (process.env.DEBUG ? err.stack : err.message) : err}`);
  process.exit(1);
});
