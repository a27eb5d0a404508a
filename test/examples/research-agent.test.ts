/**
 * The research run as an agent (examples/research-agent): the model chooses the order of the six
 * research tools. The example's own worker (a real process, its offline model) researches, drafts,
 * has the draft reviewed and writes it once `harness approve` opens the one gate. A hostile model
 * on the same agent and policy calls finalize_report early, with a draft it invented (and its true
 * sha256), with another path, and twice: the policy stops each before any gate opens, and the one
 * file written is the reviewed draft, where the policy allows.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { approveUpdate, conversationQuery, traceQuery } from '../../src/shared/public';
import { runHarness, spawnNodeUntil, WorkerProcess } from '../helpers/processes';
import { startTestWorker, tempDir, testAddress, uniqueName, waitForStatus } from '../helpers/temporal';
import { useClient } from '../helpers/test-bed';
import { hostileResearcher, researchPrompt } from './fixtures/hostile-researcher';

const EXAMPLE = path.resolve(__dirname, '../../examples/research-agent');
const SOURCES_FILE = path.resolve(__dirname, '../../samples/sources.json');
const holder = useClient();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let sources: { title: string; content: string }[];

/** A research agent run on this queue, the report named `slug`, once it waits at its gate (the first and only one). */
async function startAtGate(taskQueue: string, slug: string) {
  const run = await holder.client.workflow.start('researchAgent', {
    args: [{ prompt: researchPrompt('durable agent harnesses', slug, sources) }],
    taskQueue,
    workflowId: uniqueName(`research-${slug}`),
  });
  const state = await waitForStatus(run, ['waiting_approval']);
  expect(state.pendingAction).toMatchObject({ tool: 'finalize_report', gate: 1 });
  return { run, digest: state.pendingAction!.digest };
}
beforeAll(async () => {
  sources = JSON.parse(await fs.readFile(SOURCES_FILE, 'utf8'));
});

test("the example's worker: the model's own order, one gate, approved by harness approve, the reviewed draft written", async () => {
  const taskQueue = uniqueName('research-agent');
  const outputRoot = await tempDir('research-agent');
  const env = {
    TEMPORAL_ADDRESS: testAddress(),
    HARNESS_TASK_QUEUE: taskQueue,
    HARNESS_OUTPUT_DIR: outputRoot,
    HARNESS_MODEL_PROVIDER: 'offline',
    HARNESS_IDENTITY: 'alice',
    XDG_STATE_HOME: await tempDir('research-agent-state'),
  };
  let worker: WorkerProcess | undefined;
  try {
    worker = await spawnNodeUntil([path.join(EXAMPLE, 'worker.js')], env, /harness worker: task queue/, 90_000);
    const { run, digest } = await startAtGate(taskQueue, 'harnesses');
    const approved = await runHarness(['approve', run.workflowId, '--digest', digest], env);
    expect(approved.stderr).toBe('');
    const result = await run.result();
    expect(result.status).toBe('completed');
    const report = path.join(outputRoot, 'reports', 'harnesses.md');
    expect(result.output?.answer).toBe(`Wrote ${report} (sha256 ${sha256(await fs.readFile(report, 'utf8'))}).`);
    const trace = await run.query(traceQuery);
    expect(trace.filter((e) => e.type === 'model_turn').map((e) => e.data?.toolCalls)).toEqual([
      ['plan_run'],
      ['search_sources'],
      ['extract_facts'],
      ['draft_report'],
      ['review_draft'],
      ['finalize_report'],
      [],
    ]);
    expect(trace.find((e) => e.type === 'policy_applied')?.data).toMatchObject({ name: 'research-agent' });
    expect(result.gates?.map((g: { outcome: string }) => g.outcome)).toEqual(['approved']);
  } finally {
    await worker?.kill('SIGTERM');
  }
});

test('a hostile model: early, invented, elsewhere and twice are each stopped by the policy before a gate; one reviewed write', async () => {
  const taskQueue = uniqueName('research-hostile');
  const outputRoot = await tempDir('research-hostile');
  const worker = await startTestWorker({
    taskQueue,
    outputRoot,
    env: { HARNESS_POLICY_FILE: path.join(EXAMPLE, 'policy.yaml') },
    user: { workflowsPath: path.join(EXAMPLE, 'agent.js'), chatModel: hostileResearcher },
  });
  try {
    const { run, digest } = await startAtGate(taskQueue, 'hostile');
    await run.executeUpdate(approveUpdate, { args: [{ approver: 'alice', digest }] });
    const result = await run.result();
    expect(result.status).toBe('completed');
    const refusedBy = (reason: string) => `refused: policy "research-agent" denied finalize_report: ${reason}`;
    const unreviewed = refusedBy('finalize_report writes only a draft that passed review_draft in this run, by its sha256');
    const twice = refusedBy('finalize_report may run at most 1 time(s) in a run, and it has');
    const lines = result.output!.answer!.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(unreviewed); // early
    expect(lines[1]).toBe(unreviewed); // invented, with its own true sha256
    expect(lines[2]).toBe(refusedBy('elsewhere/hostile.md is outside the allowed write roots reports'));
    expect(JSON.parse(lines[3])).toMatchObject({ path: path.join(outputRoot, 'reports', 'hostile.md') });
    expect(lines[4]).toBe(twice); // the same call again, in the same turn
    expect(lines[5]).toBe(twice); // another name, a turn later
    expect(result.gates?.map((g: { outcome: string }) => g.outcome)).toEqual(['approved']);
    const trace = await run.query(traceQuery);
    expect(trace.filter((e) => e.type === 'policy_denied').map((e) => e.tool)).toEqual(Array(5).fill('finalize_report'));
    expect(await fs.readdir(outputRoot)).toEqual(['reports']);
    expect(await fs.readdir(path.join(outputRoot, 'reports'))).toEqual(['hostile.md']);
    // The file holds the draft the review passed, byte for byte.
    const { messages } = await run.query(conversationQuery);
    const drafted = JSON.parse(messages.find((m) => m.role === 'tool' && m.name === 'draft_report')!.content!) as { markdown: string };
    expect(await fs.readFile(path.join(outputRoot, 'reports', 'hostile.md'), 'utf8')).toBe(drafted.markdown);
  } finally {
    await worker.stop();
  }
});
