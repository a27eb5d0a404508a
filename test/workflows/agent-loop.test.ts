/**
 * An agent whose model chooses its tools, on the real dev server: the model's order is recorded,
 * a risky call it asks for waits at a gate bound to its exact arguments, a rejection goes back to
 * the model (or ends the run, as the agent says), wrong calls (malformed JSON, an unknown tool,
 * arguments the schema refuses, a tool the policy disables, a tool that fails) come back to the
 * model as errors, never as a failed workflow task, and calls of one turn run side by side with
 * their results in the model's order.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { approveUpdate, conversationQuery, rejectUpdate, stateQuery, traceQuery } from '../../src/shared/public';
import type { RunState } from '../../src/shared/run';
import { awaitReply, connectClient, followRun, HarnessError, readEnv, sendMessage, startWorkflow, targetOf } from '../../src/client/public';
import { runHarness } from '../helpers/processes';
import { startTestWorker, tempDir, testAddress, TestWorker, uniqueName, waitForStatus } from '../helpers/temporal';
import { waitFor } from '../../src/client/api/wait-for';
import { useClient } from '../helpers/test-bed';
import { ticketTools } from './fixtures/ticket-tools';
import { agentModels } from './fixtures/agent-models';
import { chat } from './fixtures/agents';

const filed: string[] = [];
const tools = ticketTools(filed);

const holder = useClient();
let client: Client;
let worker: TestWorker;
let taskQueue: string;
let outputRoot: string;

beforeAll(async () => {
  client = holder.client;
  taskQueue = uniqueName('agent');
  worker = await startTestWorker({
    taskQueue,
    outputRoot: (outputRoot = await tempDir('agent')),
    user: { tools, workflowsPath: require.resolve('./fixtures/agents'), chatModel: agentModels },
  });
});
afterAll(async () => worker?.stop());

const start = (type: string, prompt: string, harness?: unknown): Promise<WorkflowHandle> =>
  client.workflow.start(type, { args: [{ prompt, ...(harness ? { harness } : {}) }], taskQueue, workflowId: uniqueName(type) });

/** The gate's pending action once it shows this call (calls of one turn take their gates in turn). */
const gateFor = (run: WorkflowHandle, ticketId: string): Promise<RunState> =>
  waitFor(
    async () => {
      const state = await run.query(stateQuery);
      return state.pendingAction && state.pendingAction.preview.firstLines.join('\n').includes(ticketId) ? state : null;
    },
    { timeoutMs: 60_000, what: `the gate for ${ticketId}` },
  );

test('the model chooses lookup then file; the risky call waits at a gate bound to its arguments, which tool output cannot open', async () => {
  const run = await start('helpdesk', 'file P1-INJECT');
  const state = await waitForStatus(run, ['waiting_approval']);
  expect(state.pendingAction).toMatchObject({ tool: 'file_ticket', minApprovals: 1 });
  expect(JSON.parse(state.pendingAction!.preview.firstLines.join('\n'))).toEqual({ ticketId: 'P1-INJECT', queue: 'urgent' });
  expect(filed).not.toContain('P1-INJECT@urgent');

  const stale = run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: 'f'.repeat(64) }] });
  await expect(stale).rejects.toMatchObject({ cause: { message: expect.stringMatching(/^digest ffffffffffff… does not match/) } });
  await run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: state.pendingAction!.digest }] });
  const result = await run.result();
  expect(result).toMatchObject({
    status: 'completed',
    output: { answer: `filed P1-INJECT: {"row":${filed.indexOf('P1-INJECT@urgent') + 1}}`, stoppedBy: 'answer', turns: 3, toolCalls: 2 },
  });
  expect(filed.filter((entry) => entry === 'P1-INJECT@urgent')).toHaveLength(1);
  const trace = await run.query(traceQuery);
  expect(trace.filter((e) => e.type === 'model_turn').map((e) => e.data?.toolCalls)).toEqual([['lookup_ticket'], ['file_ticket'], []]);
  expect(trace.filter((e) => e.type === 'policy_checked').map((e) => e.tool)).toEqual([
    'model_turn',
    'lookup_ticket',
    'model_turn',
    'file_ticket',
    'model_turn',
  ]);
  expect(result.data).toMatchObject({ turns: 3, toolCalls: 2, stoppedBy: 'answer', provider: 'scripted:tickets' });
  expect(result.usage.reportedSteps).toBe(3);
});

test('a rejection and its reason go back to the model, which answers; nothing is filed', async () => {
  const run = await start('helpdesk', 'file T-20');
  const state = await waitForStatus(run, ['waiting_approval']);
  await run.executeUpdate(rejectUpdate, { args: [{ approver: 'bob', reason: 'wrong queue' }] });
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.output?.answer).toBe('not filed: rejected by bob: wrong queue; the call did not run');
  expect(filed.some((entry) => entry.startsWith('T-20@'))).toBe(false);
  expect(state.pendingAction?.tool).toBe('file_ticket');
});

test('an agent that ends the run at a rejection ends it rejected', async () => {
  const run = await start('tidyUp', 'file T-21');
  await waitForStatus(run, ['waiting_approval']);
  await run.executeUpdate(rejectUpdate, { args: [{ approver: 'bob', reason: 'no' }] });
  expect((await run.result()).status).toBe('rejected');
});

test("the policy decides what a rejection does: a tool's onRejection over the agent's", async () => {
  const endRun = { version: 1, name: 'strict', tools: { file_ticket: { onRejection: 'end-run' } } };
  const ended = await start('helpdesk', 'file T-24', { policy: endRun, startedBy: 'carol' });
  await waitForStatus(ended, ['waiting_approval']);
  await ended.executeUpdate(rejectUpdate, { args: [{ approver: 'bob', reason: 'no' }] });
  expect((await ended.result()).status).toBe('rejected');

  const tellModel = { version: 1, name: 'lenient', tools: { file_ticket: { onRejection: 'tell-model' } } };
  const told = await start('tidyUp', 'file T-25', { policy: tellModel, startedBy: 'carol' });
  await waitForStatus(told, ['waiting_approval']);
  await told.executeUpdate(rejectUpdate, { args: [{ approver: 'bob', reason: 'not now' }] });
  const result = await told.result();
  expect(result.status).toBe('completed');
  expect(result.output?.answer).toBe('not filed: rejected by bob: not now; the call did not run');
});

test('an edit at the gate is judged by the policy as the call was: it cannot file a ticket the run never looked up', async () => {
  const policy = {
    version: 1,
    name: 'provenance',
    tools: { file_ticket: { maxCalls: 1, requires: [{ after: 'lookup_ticket', same: { ticketId: 'ticketId' } }] } },
  };
  const run = await start('helpdesk', 'file T-26', { policy, startedBy: 'carol' });
  const { pendingAction } = await waitForStatus(run, ['waiting_approval']);
  const edit = (ticketId: string) =>
    run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: pendingAction!.digest, edit: { ticketId, queue: 'urgent' } }] });
  await expect(edit('T-99')).rejects.toMatchObject({
    cause: {
      message:
        "edited arguments refused: file_ticket needs an earlier lookup_ticket whose ticketId is this call's ticketId; the run has none",
    },
  });
  // The same ticket in another queue fits the policy (its own place under maxCalls: 1 is not counted twice).
  await edit('T-26');
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(filed).toContain('T-26@urgent');
  expect(filed.some((entry) => entry.startsWith('T-99@'))).toBe(false);
});

test('malformed JSON, an unknown tool and arguments the schema refuses come back to the model as errors, in its order', async () => {
  const run = await start('helpdesk', 'sloppy');
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(JSON.parse(result.output!.answer!)).toEqual([
    { id: 'call_1_1', isError: true },
    { id: 'call_1_2', isError: true },
    { id: 'call_1_3', isError: true },
    { id: 'call_1_4', isError: false },
  ]);
  const { messages } = await run.query(conversationQuery);
  const errors = messages.filter((m) => m.role === 'tool' && m.isError).map((m) => (m as { content: string }).content);
  expect(errors[0]).toMatch(/^lookup_ticket: the arguments are not valid JSON \(/);
  expect(errors[1]).toBe('unknown tool "delete_everything": this agent\'s tools are lookup_ticket, file_ticket');
  expect(errors[2]).toMatch(/^lookup_ticket: invalid arguments: ticketId: /);
  const refused = (await run.query(traceQuery)).filter((e) => e.type === 'tool_call_refused');
  expect(refused.map((e) => e.tool)).toEqual(['lookup_ticket', 'delete_everything', 'lookup_ticket']);
});

test('a tool the policy disables is refused and traced; the model is told why', async () => {
  const policy = { version: 1, name: 'read-only', tools: { file_ticket: { enabled: false } } };
  const run = await start('helpdesk', 'file T-22', { policy, startedBy: 'carol' });
  const result = await run.result();
  expect(result.output?.answer).toBe(
    'not filed: refused: policy "read-only" denied file_ticket: file_ticket is disabled by policy "read-only"',
  );
  expect((await run.query(traceQuery)).find((e) => e.type === 'policy_denied')).toMatchObject({ tool: 'file_ticket' });
  expect(filed.some((entry) => entry.startsWith('T-22@'))).toBe(false);
});

test('a tool that fails for good is an error result the model reacts to', async () => {
  const run = await start('helpdesk', 'file broken');
  const result = await run.result();
  expect(result.status).toBe('completed');
  expect(result.output?.answer).toMatch(
    /^could not look broken up: failed: lookup_ticket failed after 2 attempt\(s\): InvalidToolOutput: /,
  );
});

test('two risky calls of one turn take a gate each, in turn; their results go back in the order asked', async () => {
  const run = await start('helpdesk', 'bulk T-30 T-31');
  const first = await gateFor(run, 'T-30');
  await run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: first.pendingAction!.digest }] });
  const second = await gateFor(run, 'T-31');
  expect(second.pendingAction!.gate).toBe(2);
  await run.executeUpdate(rejectUpdate, { args: [{ approver: 'alice', reason: 'not this one' }] });
  const result = await run.result();
  const lines = result.output!.answer!.split('\n');
  expect(lines[0]).toMatch(/^call_1_1: ok: \{"row":\d+\}$/);
  expect(lines[1]).toBe('call_1_2: error: rejected by alice: not this one; the call did not run');
  expect(filed.filter((entry) => entry.startsWith('T-30@'))).toHaveLength(1);
  expect(filed.some((entry) => entry.startsWith('T-31@'))).toBe(false);
  expect(result.gates?.map((g: { outcome: string }) => g.outcome)).toEqual(['approved', 'rejected']);
});

test('the turn limit stops a model that never answers', async () => {
  const run = await start('persistent', 'look');
  const result = await run.result();
  expect(result.output).toEqual({ answer: null, stoppedBy: 'max_turns', turns: 3, toolCalls: 3 });
  expect(result.status).toBe('completed');
});

test('input outside the agent schema fails at once', async () => {
  const run = await start('helpdesk', '   ');
  await expect(run.result()).rejects.toThrow();
  expect((await run.query(stateQuery)).error).toMatch(/^helpdesk: invalid input: prompt: /);
});

test("research tools in a model's hands: finalize_report never writes without its gate, and writes once, where approved", async () => {
  const run = await start('researcher', 'write a report');
  const decide = async (gate: number, decision: 'approve' | 'reject') => {
    const state = await waitFor(
      async () => {
        const s = await run.query(stateQuery);
        return s.pendingAction?.gate === gate ? s : null;
      },
      { timeoutMs: 60_000, what: `gate ${gate}` },
    );
    expect(state.pendingAction!.tool).toBe('finalize_report');
    // The gate shows the call exactly as the model wrote it, path and all.
    expect(state.pendingAction!.preview.firstLines.join('\n')).toContain('"runId": "R-');
    if (decision === 'reject') await run.executeUpdate(rejectUpdate, { args: [{ approver: 'alice', reason: 'nothing was researched' }] });
    else await run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest: state.pendingAction!.digest }] });
  };
  // Early, with a report it invented: held at the gate, rejected, nothing on disk.
  await decide(1, 'reject');
  expect(await fs.readdir(outputRoot)).not.toContain('R-agent');
  // Then four calls in one turn: a path out of the output root is refused by the policy (the tool's writesTo
  // names the path; no gate opens); the other three each wait at their own gate and are approved: one write, the
  // same call again finds its own report and writes nothing (the tool is idempotent), and a digest that does not
  // match the report is refused by the tool.
  for (const gate of [2, 3, 4]) await decide(gate, 'approve');
  const result = await run.result();
  const lines = result.output!.answer!.split('\n');
  expect(lines[0]).toBe('error: rejected by alice: nothing was researched; the call did not run');
  expect(lines[1]).toMatch(/^ok: \{"path":".*\/R-agent\/final_report\.md"/);
  expect(lines[2]).toBe(lines[1]);
  expect(lines[3]).toBe('error: refused: policy "default" denied finalize_report: ../escaped.md is outside the allowed write roots .');
  expect(lines[4]).toMatch(/^error: failed: finalize_report failed after 1 attempt\(s\): DigestMismatch: /);
  expect(result.gates).toHaveLength(4);
  expect((await fs.readdir(outputRoot)).sort()).toEqual(['R-agent']);
  expect(await fs.readdir(path.join(outputRoot, 'R-agent'))).toEqual(['final_report.md']);
});

describe('a session: messages added to a running agent, and a conversation that outlives its history', () => {
  const idle = (run: WorkflowHandle, turns: number) =>
    waitFor(
      async () => {
        const state = await run.query(stateQuery);
        return state.currentStep === 'waiting_for_message' && (state.data?.turns as number) >= turns ? state : null;
      },
      { timeoutMs: 60_000, what: `${run.workflowId} to wait for a message after ${turns} turn(s)` },
    );

  test('send through the client API and the harness CLI, continue as new past the bound, end with --end', async () => {
    const h = await connectClient(readEnv({ ...process.env, TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: taskQueue }));
    let run: WorkflowHandle;
    let firstRunId: string;
    try {
      // Started as the CLI starts it: with HarnessStatus, which the continued run must keep.
      run = await startWorkflow(targetOf(h), chat, { prompt: 'hello' }, { startedBy: 'dana' });
      firstRunId = (await run.describe()).runId;
      await idle(run, 1);
      for (let i = 1; i <= 4; i++) {
        const sent = await sendMessage(h, run.workflowId, { text: `message ${i}`, from: 'dana' });
        expect(await awaitReply(h, run.workflowId, `message ${i}`, sent.messagesBefore, 60_000)).toEqual({
          kind: 'answer',
          text: `you said: message ${i}`,
        });
      }
    } finally {
      await h.close();
    }
    const env = {
      TEMPORAL_ADDRESS: testAddress(),
      HARNESS_TASK_QUEUE: taskQueue,
      HARNESS_IDENTITY: 'erin',
      XDG_STATE_HOME: await tempDir('send'),
    };
    const looked = await runHarness(['send', run.workflowId, 'look P1-5'], env);
    expect(looked.stderr).toBe('');
    expect(looked.stdout).toBe('P1-5 is high\n');

    // The history bound (60 events) was passed: the session continued as new under the same id, its conversation whole.
    const latest = client.workflow.getHandle(run.workflowId);
    const description = await latest.describe();
    expect(description.runId).not.toBe(firstRunId);
    expect(description.searchAttributes.HarnessStatus).toEqual(['running']);
    const state = await latest.query(stateQuery);
    expect(state.data).toMatchObject({ turns: 7, toolCalls: 1 });
    expect(state.data?.runs as number).toBeGreaterThanOrEqual(2);
    const { messages } = await latest.query(conversationQuery);
    expect(messages.filter((m) => m.role === 'user').map((m) => (m as { content: string }).content)).toEqual([
      'hello',
      'message 1',
      'message 2',
      'message 3',
      'message 4',
      'look P1-5',
    ]);
    expect((await latest.query(traceQuery))[0].type).toBe('run_created');

    const ended = await runHarness(['send', run.workflowId, '--end'], env);
    expect(ended.stdout).toBe(`${run.workflowId}: the session will end after its current turn\n`);
    const result = await latest.result();
    expect(result.output).toEqual({ answer: 'P1-5 is high', stoppedBy: 'ended', turns: 7, toolCalls: 1 });
    const again = await runHarness(['send', run.workflowId, 'still there?'], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a follower sees every turn of a session as it happens, through the awaitEvents update, across continue-as-new', async () => {
    const h = await connectClient(readEnv({ ...process.env, TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: taskQueue }));
    try {
      const run = await startWorkflow(targetOf(h), chat, { prompt: 'hi' });
      const firstRunId = (await run.describe()).runId;
      await idle(run, 1);
      const seen: string[] = [];
      const follower = (async () => {
        for await (const update of followRun(h, client.workflow.getHandle(run.workflowId))) {
          if (update.kind !== 'state') continue;
          const answers = update.state.trace.filter((e) => e.type === 'model_turn').map((e) => String(e.data?.text));
          for (const answer of answers) if (!seen.includes(answer)) seen.push(answer);
          if (seen.includes('you said: message 8')) return;
        }
      })();
      // Past the history bound (60 events) the session continues as new; the follower goes on with it.
      for (let i = 1; i <= 8; i++) {
        const sent = await sendMessage(h, run.workflowId, { text: `message ${i}` });
        await awaitReply(h, run.workflowId, `message ${i}`, sent.messagesBefore, 60_000);
      }
      await follower;
      // Every answer, those of the first run (whose trace the run it continued as does not carry) too.
      expect(seen).toEqual(['you said: hi', ...Array.from({ length: 8 }, (_, i) => `you said: message ${i + 1}`)]);
      expect((await run.query(stateQuery)).data?.runs as number).toBeGreaterThanOrEqual(2);
      // The follower waited on the run's update door.
      const history = await client.workflow.getHandle(run.workflowId, firstRunId).fetchHistory();
      const names = history.events!.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name);
      expect(names).toContain('awaitEvents');
      await sendMessage(h, run.workflowId, { end: true });
      expect((await client.workflow.getHandle(run.workflowId).result()).output.stoppedBy).toBe('ended');
    } finally {
      await h.close();
    }
  });

  test('an agent that answers once refuses a message in one line', async () => {
    const run = await start('tidyUp', 'file T-40');
    await waitForStatus(run, ['waiting_approval']);
    const h = await connectClient(readEnv({ ...process.env, TEMPORAL_ADDRESS: testAddress(), HARNESS_TASK_QUEUE: taskQueue }));
    try {
      await expect(sendMessage(h, run.workflowId, { text: 'hurry up' })).rejects.toThrow(
        new HarnessError(
          `run ${run.workflowId} refused the message: tidyUp answers once; it takes no further messages (declare it with session)`,
        ),
      );
    } finally {
      await h.close();
    }
    await run.cancel();
  });
});
