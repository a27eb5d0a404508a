/**
 * Workflows declared on the kernel (defineWorkflow, defineAgent), each recorded once on the dev
 * server and replayed against the current code, as the research run's histories are: a change to
 * the commands they issue fails here unless it sits behind patched(). Re-record with
 * HARNESS_RECORD_USER_HISTORY=1 (and a dev server) only for a deliberate new shape.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { promises as fs, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import os from 'node:os';
import path from 'node:path';
import { forWorkflowCode } from '../../src/codec/data-converter';
import { sendUpdate } from '../../src/shared/agent-model';
import { approveUpdate, rejectUpdate, stateQuery } from '../../src/shared/messages';
import { waitFor } from '../../src/client/api/wait-for';
import { implementTool, scriptedModel } from '../../src/worker/public';
import type { UserRegistrations } from '../../src/worker/worker-from-env';
import { idleSnapshotSink } from '../../src/worker/snapshot-sink';
import { userWorkflowCode } from '../../src/worker/workflow-bundle';
import { loadHistory, workflowIdOf } from '../helpers/replay';
import { startTestWorker, tempDir, testClient, uniqueName, waitForStatus } from '../helpers/temporal';
import { agentModels } from '../workflows/fixtures/agent-models';
import { hostileResearcher, researchPrompt } from '../examples/fixtures/hostile-researcher';
import { fileTicket, lookupTicket } from '../workflows/fixtures/ticket-workflows';

const DIR = path.join(__dirname, '../histories/user-workflows');
const tools = [
  implementTool(lookupTicket, async ({ ticketId }) => ({ ticketId, subject: 'recorded', priority: 'high' as const })),
  implementTool(fileTicket, async () => ({ row: 1 })),
];

interface Recording {
  file: string;
  workflowsPath: string;
  user: Omit<UserRegistrations, 'workflowsPath'>;
  type: string;
  input: unknown;
  /** Decides the run's gates, talks to it; the run then ends on its own. */
  decide(run: WorkflowHandle): Promise<void>;
  /** Record the run the workflow id started with (a session that continued as new ends there), not its latest. */
  firstRun?: boolean;
}

const EXAMPLES = path.join(__dirname, '../../examples');

const approveNext = async (run: WorkflowHandle, approver: string) => {
  const state = await waitForStatus(run, ['waiting_approval']);
  await run.executeUpdate(approveUpdate, { args: [{ approver, digest: state.pendingAction!.digest }] });
  return state;
};

const agentBulk: Recording = {
  // An agent's turn with two gated calls side by side: the first approved, the second rejected, then the answer.
  file: 'agent-bulk.json',
  workflowsPath: require.resolve('../workflows/fixtures/agents'),
  user: { tools, chatModel: agentModels },
  type: 'helpdesk',
  input: { prompt: 'bulk T-1 T-2' },
  decide: async (run) => {
    const first = await approveNext(run, 'ops');
    await waitForStatus(run, ['waiting_approval']).then(async (state) => {
      if (state.pendingAction!.gate === first.pendingAction!.gate) throw new Error('the second gate did not open');
      await run.executeUpdate(rejectUpdate, { args: [{ approver: 'ops', reason: 'not this one' }] });
    });
  },
};

const RECORDINGS: Recording[] = [
  {
    // Gated, approved, completed.
    file: 'triage-approved.json',
    workflowsPath: require.resolve('../workflows/fixtures/ticket-workflows'),
    user: { tools },
    type: 'triage',
    input: { ticketId: 'T-1' },
    decide: async (run) => void (await approveNext(run, 'ops')),
  },
  agentBulk,
  {
    // The same on shape-2026-12-06 (agent-bulk.json is on shape-2026-12-04): the worker's default policy through a local activity.
    ...agentBulk,
    file: 'agent-bulk-local-policy.json',
  },
  {
    // A session: three messages, the third past its history bound, so the run ends by continuing as new.
    file: 'agent-session-continued.json',
    workflowsPath: require.resolve('../workflows/fixtures/agents'),
    user: { tools, chatModel: agentModels },
    type: 'chat',
    input: { prompt: 'hello' },
    firstRun: true,
    decide: async (run) => {
      // One message at a time, each answered before the next, until the run has continued as new.
      const latest = () => run.describe().then((d) => d.runId);
      const first = await latest();
      for (let i = 1; (await latest()) === first; i++) {
        const text = i === 1 ? 'look T-1' : `message ${i}`;
        await run.executeUpdate(sendUpdate, { args: [{ text }] });
        await waitFor(async () => (await run.query(stateQuery)).currentStep === 'waiting_for_message' || null, {
          timeoutMs: 60_000,
          what: `an answer to ${text}`,
        });
      }
      await run.executeUpdate(sendUpdate, { args: [{ end: true }] });
    },
  },
  {
    // An agent with MCP tools: the servers listed before each turn (one of them down), a read-only call, a gated one approved.
    file: 'agent-mcp.json',
    workflowsPath: require.resolve('../workflows/fixtures/mcp-agents'),
    user: {
      tools,
      chatModel: scriptedModel('mcp', ({ turn }) => {
        if (turn === 1) return { toolCalls: [{ name: 'mcp__notes__read_note', arguments: { title: 'oncall' } }] };
        if (turn === 2) return { toolCalls: [{ name: 'mcp__notes__append_note', arguments: { title: 'oncall', text: 'recorded' } }] };
        return { content: 'noted' };
      }),
      mcpServers: {
        notes: {
          command: process.execPath,
          args: [require.resolve('../workflows/fixtures/mcp/notes-server.mjs')],
          env: { NOTES_FILE: path.join(os.tmpdir(), `${uniqueName('notes')}.jsonl`) },
        },
        // Nothing listens on port 1: the server shows as down.
        tickets: { url: 'http://127.0.0.1:1/mcp' },
      },
    },
    type: 'operator',
    input: { prompt: 'note the incident' },
    decide: async (run) => void (await approveNext(run, 'ops')),
  },
  {
    // The research agent under its policy, a hostile model: five calls refused by the policy (early, invented, elsewhere,
    // twice), one gate approved, one write.
    file: 'research-agent-hostile.json',
    workflowsPath: path.join(EXAMPLES, 'research-agent', 'agent.js'),
    user: { chatModel: hostileResearcher },
    type: 'researchAgent',
    input: {
      prompt: researchPrompt(
        'durable agent harnesses',
        'hostile',
        JSON.parse(readFileSync(path.join(EXAMPLES, '../samples/sources.json'), 'utf8')),
      ),
      harness: { policy: parseYaml(readFileSync(path.join(EXAMPLES, 'research-agent', 'policy.yaml'), 'utf8')) },
    },
    decide: async (run) => void (await approveNext(run, 'ops')),
  },
];

async function record(recording: Recording): Promise<void> {
  const taskQueue = uniqueName('record');
  const worker = await startTestWorker({
    taskQueue,
    outputRoot: await tempDir('record'),
    user: { ...recording.user, workflowsPath: recording.workflowsPath },
  });
  const { client, close } = await testClient();
  try {
    const workflowId = `${recording.file.replace(/\.json$/, '')}-recorded`;
    const run = await client.workflow.start(recording.type, { args: [recording.input], taskQueue, workflowId });
    // A handle on the workflow id follows a run that continues as new.
    await recording.decide(client.workflow.getHandle(workflowId));
    await client.workflow.getHandle(workflowId).result();
    const recorded = recording.firstRun ? client.workflow.getHandle(workflowId, run.firstExecutionRunId) : run;
    await fs.writeFile(path.join(DIR, recording.file), historyToJSON(await recorded.fetchHistory()) + '\n');
  } finally {
    await close();
    await worker.stop();
  }
}

test.each(RECORDINGS.map((recording) => [recording.file, recording] as const))(
  '%s replays against the current kernel',
  async (file, recording) => {
    // HARNESS_RECORD_USER_HISTORY=1 records them all; =FILE only that one.
    const recordAs = process.env.HARNESS_RECORD_USER_HISTORY;
    if (recordAs === '1' || recordAs === file) await record(recording);
    const history = await loadHistory(DIR, file);
    const commands = history.events!.filter((e) => e.activityTaskScheduledEventAttributes || e.markerRecordedEventAttributes);
    expect(commands.length).toBeGreaterThanOrEqual(3);
    await Worker.runReplayHistory(
      { ...userWorkflowCode(recording.workflowsPath), sinks: idleSnapshotSink, dataConverter: forWorkflowCode() },
      history,
      workflowIdOf(history, file),
    );
  },
);
