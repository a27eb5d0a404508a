/**
 * Operators drive runs with the tools they already have: the real `tctl` and `temporal`
 * binaries signal and query runs on the real dev server, exactly as docs/operating-runs.md shows.
 */
import { Client, WorkflowHandle } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '../../src/client/api/wait-for';
import { findGoTool, GoTool, TCTL, TEMPORAL_CLI } from '../../src/toolchain/go-tools';
import { policyDigest } from '../../src/config/policy-file';
import { stateQuery, traceQuery } from '../../src/shared/messages';
import { Policy } from '../../src/shared/policy';
import type { RunState } from '../../src/shared/run';
import {
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  testAddress,
  testClient,
  TestWorker,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';

const exec = promisify(execFile);

interface OperatorCli {
  name: string;
  tool: GoTool;
  signal(id: string, name: string, input: string): string[];
  queryState(id: string): string[];
  parseState(stdout: string): RunState;
}

/** The exact command lines docs/operating-runs.md documents for each tool. */
const CLIS: OperatorCli[] = [
  {
    name: 'tctl',
    tool: TCTL,
    signal: (id, name, input) => ['--address', testAddress(), 'workflow', 'signal', '--workflow_id', id, '--name', name, '--input', input],
    queryState: (id) => ['--address', testAddress(), 'workflow', 'query', '--workflow_id', id, '--query_type', 'state'],
    // tctl prints "Query result:" and then a JSON array of results.
    parseState: (stdout) => JSON.parse(stdout.slice(stdout.indexOf('[')))[0],
  },
  {
    name: 'temporal',
    tool: TEMPORAL_CLI,
    signal: (id, name, input) => ['workflow', 'signal', '--address', testAddress(), '--workflow-id', id, '--name', name, '--input', input],
    queryState: (id) => ['workflow', 'query', '--address', testAddress(), '--workflow-id', id, '--name', 'state', '--output', 'json'],
    parseState: (stdout) => JSON.parse(stdout).queryResult[0],
  },
];

let worker: TestWorker;
let client: Client;
let closeClient: () => Promise<void>;
let taskQueue: string;
const binaries = new Map<string, string>();

beforeAll(async () => {
  for (const cli of CLIS) {
    const binary = await findGoTool(cli.tool);
    if (!binary) throw new Error(`${cli.name} is missing: run \`npm run setup\``);
    binaries.set(cli.name, binary);
  }
  taskQueue = uniqueName('operators');
  worker = await startTestWorker({ taskQueue, outputRoot: await tempDir('operators') });
  ({ client, close: closeClient } = await testClient());
});

afterAll(async () => {
  await closeClient?.();
  await worker?.stop();
});

async function waitingRun(): Promise<WorkflowHandle> {
  const run = await startTestRun(client, taskQueue, { topic: 'durable agent harness', sources: await sampleSources() });
  await waitForStatus(run, ['waiting_approval']);
  return run;
}

async function refusals(run: WorkflowHandle, count: number) {
  return waitFor(
    async () => {
      const events = (await run.query(traceQuery)).filter((e) => e.type === 'approval_refused');
      return events.length >= count ? events : null;
    },
    { timeoutMs: 60_000, what: `${count} refusal(s) in the trace of ${run.workflowId}` },
  );
}

describe.each(CLIS)('$name', (cli) => {
  const run = (args: string[]) => exec(binaries.get(cli.name)!, args);

  test('queries the state, and approve resumes a waiting run to completed', async () => {
    const handle = await waitingRun();
    const { stdout } = await run(cli.queryState(handle.workflowId));
    const state = cli.parseState(stdout);
    expect(state).toMatchObject({ runId: handle.workflowId, status: 'waiting_approval', pendingAction: { tool: 'finalize_report' } });

    await run(cli.signal(handle.workflowId, 'approve', '{"approver":"ops"}'));
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.decision).toMatchObject({ outcome: 'approved', approver: 'ops' });
  });

  test('a malformed payload is refused and recorded; the run keeps waiting', async () => {
    const handle = await waitingRun();
    await run(cli.signal(handle.workflowId, 'approve', '{"approver": 7}'));
    await run(cli.signal(handle.workflowId, 'approve', '{"aproved": true}'));
    const refused = await refusals(handle, 2);
    expect(refused.map((e) => e.message)).toEqual([
      expect.stringMatching(/^invalid payload: approver: /),
      expect.stringMatching(/^invalid payload: .*aproved/),
    ]);
    const { stdout } = await run(cli.queryState(handle.workflowId));
    expect(cli.parseState(stdout)).toMatchObject({ status: 'waiting_approval', decision: null });
    await handle.cancel();
  });

  test("every gate, not only the report's: a signal passes a gate before draft_report, then the report's", async () => {
    const policy = { version: 1 as const, name: 'gated-draft', tools: { draft_report: { approval: 'required' as const } } };
    const handle = await startTestRun(client, taskQueue, {
      topic: 'durable agent harness',
      sources: await sampleSources(),
      policy: { policy: Policy.parse(policy), digest: policyDigest(Policy.parse(policy)), source: 'inline' },
    });
    await waitForStatus(handle, ['waiting_approval']);
    expect(cli.parseState((await run(cli.queryState(handle.workflowId))).stdout).pendingAction).toMatchObject({
      tool: 'draft_report',
      gate: 1,
    });
    await run(cli.signal(handle.workflowId, 'approve', '{"approver":"ops"}'));
    await waitFor(async () => (await handle.query(stateQuery)).pendingAction?.tool === 'finalize_report', {
      timeoutMs: 30_000,
      what: 'the report gate',
    });
    await run(cli.signal(handle.workflowId, 'approve', '{"approver":"ops"}'));
    const result = await handle.result();
    expect(result.gates?.map((g) => `${g.tool}:${g.outcome}`)).toEqual(['draft_report:approved', 'finalize_report:approved']);
  });

  test('reject ends the run as rejected', async () => {
    const handle = await waitingRun();
    await run(cli.signal(handle.workflowId, 'reject', '{"approver":"ops","reason":"not today"}'));
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'rejected', decision: { outcome: 'rejected', approver: 'ops', reason: 'not today' } });
  });
});
