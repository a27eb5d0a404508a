/**
 * A workflow and tools of a user's own, on the run kernel, on the real dev server: the policy
 * gates the user's risky tool like a built-in one, an approval through the update door lets it
 * run once, a disabled tool is refused and traced, and the workflow's own mistakes (a tool it did
 * not declare, a plain Error, an output that breaks the tool's contract, bad input) end the run
 * with a typed, non-retryable failure instead of a workflow task that fails forever.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { approveUpdate, defineTool, stateQuery, ToolRegistrationError, toolTable, traceQuery } from '../../src/shared/public';
import { implementTool } from '../../src/worker/public';
import { checkWorkflowsModule, registerTools } from '../../src/worker/user-registration';
import { connectClient, HarnessClient, HarnessError, readEnv, startWorkflow, targetOf, toolDescriptor } from '../../src/client/public';
import { prepareWorkflowStart } from '../../src/client/cli/commands/start-workflow';
import { runHarness } from '../helpers/processes';
import {
  failureOf,
  sampleSources,
  startTestRun,
  startTestWorker,
  tempDir,
  testAddress,
  TestWorker,
  uniqueName,
  waitForStatus,
} from '../helpers/temporal';
import { useClient } from '../helpers/test-bed';
import { ticketTools } from './fixtures/ticket-tools';
import { fileTicket, lookupTicket, triage } from './fixtures/ticket-workflows';

const WORKFLOWS = require.resolve('./fixtures/ticket-workflows');
const filed: string[] = [];

const tools = ticketTools(filed);

const holder = useClient();
let client: Client;
let worker: TestWorker;
let taskQueue: string;

beforeAll(async () => {
  client = holder.client;
  taskQueue = uniqueName('user-workflow');
  worker = await startTestWorker({
    taskQueue,
    outputRoot: await tempDir('user-workflow'),
    user: { tools, workflowsPath: WORKFLOWS },
  });
});
afterAll(async () => worker?.stop());

const start = (type: string, input: unknown): Promise<WorkflowHandle> =>
  client.workflow.start(type, { args: [input], taskQueue, workflowId: uniqueName(type) });

/** The run's failure type (ApplicationFailure.type), failing the test when the run did not fail. */
async function failureTypeOf(run: WorkflowHandle): Promise<string | undefined> {
  const error = await run.result().then(
    () => null,
    (err: { cause?: { type?: string; cause?: { type?: string } } }) => err,
  );
  if (!error) throw new Error(`${run.workflowId} did not fail`);
  return error.cause?.type;
}

test("the policy gates the user's risky tool; one approval through the update door runs it exactly once", async () => {
  const run = await start('triage', { ticketId: 'P1-7' });
  const state = await waitForStatus(run, ['waiting_approval']);
  expect(state.topic).toBe('triage P1-7');
  expect(state.data).toEqual({ queue: 'urgent' });
  expect(state.pendingAction).toMatchObject({ tool: 'file_ticket', minApprovals: 1 });
  expect(state.pendingAction!.reason).toContain('file_ticket is an external_write tool (risky, external_write)');
  expect(JSON.parse(state.pendingAction!.preview.firstLines.join('\n'))).toEqual({ ticketId: 'P1-7', queue: 'urgent' });
  expect(filed).not.toContain('P1-7@urgent');

  const outcome = await run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: state.pendingAction!.digest }] });
  expect(outcome.message).toBe('approved; running file_ticket');
  const result = await run.result();
  expect(result).toMatchObject({ status: 'completed', output: { queue: 'urgent' } });
  expect(filed.filter((entry) => entry === 'P1-7@urgent')).toHaveLength(1);
  const trace = await run.query(traceQuery);
  expect(trace.filter((e) => e.type === 'policy_checked').map((e) => e.tool)).toEqual(['lookup_ticket', 'file_ticket']);
  expect(trace.map((e) => e.type)).toContain('approval_granted');
});

test("a policy that disables the user's tool refuses the call before it runs, and the trace says why", async () => {
  const policy = { version: 1, name: 'no-filing', tools: { file_ticket: { enabled: false } } };
  const run = await start('triage', { ticketId: 'T-2', harness: { policy, startedBy: 'bob' } });
  expect(await failureTypeOf(run)).toBe('PolicyDenied');
  const state = await run.query(stateQuery);
  expect(state).toMatchObject({ status: 'failed', startedBy: 'bob' });
  const denied = (await run.query(traceQuery)).find((e) => e.type === 'policy_denied');
  expect(denied).toMatchObject({ tool: 'file_ticket', message: 'file_ticket is disabled by policy "no-filing"' });
  expect(filed.some((entry) => entry.startsWith('T-2@'))).toBe(false);
});

test('a call to a tool the workflow did not declare fails the run as UnregisteredTool', async () => {
  const run = await start('strayCall', { ticketId: 'T-3' });
  expect(await failureTypeOf(run)).toBe('UnregisteredTool');
  expect(await failureOf(run)).toBe('stray_tool is not a tool this workflow declared (it declares lookup_ticket)');
});

test('a plain Error in the body fails the run as WorkflowError, not a workflow task retried forever', async () => {
  const run = await start('crashes', { ticketId: 'T-4' });
  expect(await failureTypeOf(run)).toBe('WorkflowError');
  expect(await failureOf(run)).toBe('Error: the body has a bug');
  expect((await run.query(stateQuery)).status).toBe('failed');
});

test("an output that breaks the tool's contract is retried under its policy, then fails the run as ToolFailed", async () => {
  const run = await start('lookupOnly', { ticketId: 'broken' });
  expect(await failureTypeOf(run)).toBe('ToolFailed');
  expect(await failureOf(run)).toMatch(
    /^lookup_ticket failed after 2 attempt\(s\): InvalidToolOutput: lookup_ticket: invalid output: priority: /,
  );
});

test("input that breaks the workflow's schema fails the run at once as InvalidWorkflowInput", async () => {
  const run = await start('triage', { ticketId: '', extra: true });
  expect(await failureTypeOf(run)).toBe('InvalidWorkflowInput');
  expect(await failureOf(run)).toMatch(/^triage: invalid input: ticketId: .*; \(root\): Unrecognized key: "extra"$/);
});

test("the same worker runs the research run its workflows module re-exports, on the built-in tools beside the user's", async () => {
  const run = await startTestRun(client, taskQueue, { topic: 'durable agent harness', sources: await sampleSources() });
  const state = await waitForStatus(run, ['waiting_approval']);
  expect(state.pendingAction?.tool).toBe('finalize_report');
  expect(state.steps.map((step) => step.tool)).toEqual(['plan_run', 'search_sources', 'extract_facts', 'draft_report', 'review_draft']);
  await run.cancel();
});

describe("the operator surfaces read and decide a user's run unchanged", () => {
  let h: HarnessClient;
  let cliEnv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    const dir = await tempDir('user-workflow-cli');
    // The workflows module lets a client replay a closed run of this workflow (webpack bundles it, TypeScript and all).
    cliEnv = {
      TEMPORAL_ADDRESS: testAddress(),
      HARNESS_TASK_QUEUE: taskQueue,
      HARNESS_IDENTITY: 'carol',
      XDG_STATE_HOME: dir,
      HARNESS_WORKFLOWS: WORKFLOWS,
    };
    h = await connectClient(readEnv({ ...process.env, ...cliEnv }));
  });
  afterAll(async () => h?.close());

  test('startWorkflow checks the input against the declared schema before anything starts', async () => {
    await expect(startWorkflow(targetOf(h), triage, { ticketId: '' })).rejects.toThrow(
      new HarnessError('invalid input for triage: ticketId: Too small: expected string to have >=1 characters'),
    );
  });

  test('pending, approve, summary and list through the harness CLI', async () => {
    const run = await startWorkflow(targetOf(h), triage, { ticketId: 'T-9', queue: 'billing' }, { startedBy: 'dave' });
    await waitForStatus(run, ['waiting_approval']);
    const pending = await runHarness(['pending', run.workflowId], cliEnv);
    expect(pending.stderr).toBe('');
    expect(pending.stdout).toContain('file_ticket');
    const approved = await runHarness(['approve', run.workflowId, '--comment', 'filed'], cliEnv);
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect(await run.result()).toMatchObject({ status: 'completed', startedBy: 'dave', output: { queue: 'billing' } });
    expect(filed.filter((entry) => entry === 'T-9@billing')).toHaveLength(1);

    const summary = await runHarness(['summary', run.workflowId, '--json'], cliEnv);
    expect(summary.stderr).toBe('');
    expect(JSON.parse(summary.stdout)).toMatchObject({
      workflowType: 'triage',
      status: 'completed',
      topic: 'triage T-9',
      startedBy: 'dave',
      data: { queue: 'billing' },
      report: null,
    });
    const trace = await runHarness(['trace', run.workflowId, '--json'], cliEnv);
    expect(trace.stdout).toContain('approval_granted');
    const withoutModule = await runHarness(['status', run.workflowId], { ...cliEnv, HARNESS_WORKFLOWS: '' });
    expect(withoutModule.stderr.trim()).toBe(
      `harness: run ${run.workflowId} is a triage workflow and has closed: set HARNESS_WORKFLOWS to its workflows module to read it`,
    );
    const list = await runHarness(['list', '--json'], cliEnv);
    const row = JSON.parse(list.stdout).rows.find((r: { workflowId: string }) => r.workflowId === run.workflowId);
    expect(row).toMatchObject({ status: 'completed', topic: 'triage T-9' });
  });
});

test('harness start --workflow checks the input and the policy file before it connects, then starts the run', async () => {
  const env = { ...process.env, HARNESS_WORKFLOWS: WORKFLOWS };
  await withEnv(env, async () => {
    await expect(prepareWorkflowStart({ workflow: 'nosuch', input: '{}' })).rejects.toThrow(
      `--workflow nosuch: ${WORKFLOWS} declares crashes, lookupOnly, strayCall, triage`,
    );
    await expect(prepareWorkflowStart({ workflow: 'triage', input: '{"ticketId": 7}' })).rejects.toThrow(
      'invalid input for triage: ticketId: Invalid input: expected string, received number',
    );
    await expect(prepareWorkflowStart({ workflow: 'triage', input: '{"ticketId": "T-1"' })).rejects.toThrow('--input: not valid JSON');
    const start = await prepareWorkflowStart({ workflow: 'triage', input: '{"ticketId": "T-10"}', as: 'erin' });
    const h = await connectClient(readEnv({ ...env, TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: taskQueue }));
    try {
      const { run, policy } = await start(h);
      expect(policy.policy.name).toBe('default');
      const state = await waitForStatus(run, ['waiting_approval']);
      expect(state).toMatchObject({ topic: 'triage T-10', startedBy: 'erin', policy: { name: 'default', digest: policy.digest } });
      await run.cancel();
    } finally {
      await h.close();
    }
  });
});

/** Runs `body` with these environment variables (readEnv reads process.env), then puts them back. */
async function withEnv(env: NodeJS.ProcessEnv, body: () => Promise<void>): Promise<void> {
  const saved = process.env;
  process.env = env;
  try {
    await body();
  } finally {
    process.env = saved;
  }
}

describe('registration refuses in one line', () => {
  const other = defineTool({ ...lookupTicket, description: 'another tool of the same name' });

  test('two tools of one name, or a user tool named like a built-in', () => {
    expect(() =>
      registerTools([implementTool(lookupTicket, async () => ({}) as never), implementTool(other, async () => ({}) as never)], false),
    ).toThrow(new ToolRegistrationError('tool "lookup_ticket": two different tools have this name'));
    const shadow = defineTool({ ...lookupTicket, name: 'finalize_report' });
    expect(() => registerTools([implementTool(shadow, async () => ({}) as never)], true)).toThrow(
      'tool "finalize_report": two different tools have this name',
    );
  });

  test('a schema that has no JSON Schema form', () => {
    const dated = defineTool({
      name: 'dated',
      description: 'takes a date',
      category: 'read_only',
      input: z.object({ when: z.date() }),
      output: z.object({}),
    });
    expect(() => registerTools([implementTool(dated, async () => ({}) as never)], false)).toThrow(
      /^tool "dated": its input schema has no JSON Schema form \(/,
    );
  });

  test("the declaration drives the docs table and the MCP descriptor of a user's tool too", () => {
    expect(toolTable([fileTicket])).toContain(
      '| `file_ticket` | external_write | **yes** | remote | 60s | 10s | 1 attempts, 100 ms ×2 (max 1s); never:  | Files the ticket in a queue: a row in the tickets table. |',
    );
    expect(toolDescriptor(fileTicket)).toMatchObject({
      name: 'file_ticket',
      inputSchema: { type: 'object', required: ['ticketId', 'queue'] },
      annotations: { readOnlyHint: false, destructiveHint: true },
    });
  });

  test('a workflow whose tools the worker does not implement', () => {
    const onlyLookup = registerTools([tools[0]], false).catalog;
    expect(() => checkWorkflowsModule(WORKFLOWS, onlyLookup)).toThrow(
      'workflow "triage" declares tool "file_ticket", which this worker does not implement',
    );
  });
});

test("a worker with only the user's tools starts under the default policy, whose entries for the research tools are inert there", async () => {
  // policy/default.yaml names the six research tools; this worker registers none of them.
  const only = await startTestWorker({
    taskQueue: uniqueName('only-user-tools'),
    outputRoot: await tempDir('only-user-tools'),
    user: { tools, builtinTools: false },
  });
  await only.stop();
});
