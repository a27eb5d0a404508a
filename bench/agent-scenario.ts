/**
 * The agent benchmark: a ten-turn agent (scripted model, trivial tool) on the harness, beside a
 * bare Temporal workflow of the same shape (a model activity sent the conversation, then the tool
 * activity, per turn), beside the same agent on Temporal's own AI integrations (the peers), and the
 * same loop in process; and a 1,000-turn session that continues as new, with its worker's RSS
 * sampled as it goes.
 */
import { temporal } from '@temporalio/proto';
import { performance } from 'node:perf_hooks';
import { sendUpdate } from '../src/shared/agent-model';
import { stateQuery } from '../src/shared/messages';
import type { BenchEnv, PeerName, WorkerName } from './bench-env';
import { inPool, mean, pause, percentile, spread, Spread } from './bench-env';
import { installPeers } from './peers-install';
import { AGENT_TURNS } from './agent/script';
import { floorActivities } from './floor/activities';
import type { FloorMessage } from './floor/messages';

type Subject = 'harness-agent' | 'temporal-floor-agent' | PeerName;

export interface AgentThroughput {
  subject: Subject;
  concurrency: number;
  runs: number;
  runsPerSecond: number;
  runMs: Spread;
  /** A run's time over its ten turns, p50. */
  turnP50Ms: number;
  /** Worker process CPU per run (user + system). */
  workerCpuMsPerRun: number;
  /** The Temporal server's CPU per run over the same batches (absent in older reports). */
  serverCpuMsPerRun?: number;
  /** One run's history as the server stores it: what every run of this subject costs the server (absent in older reports). */
  history?: RunHistory;
}

export interface RunHistory {
  events: number;
  workflowTasks: number;
  /** Protobuf bytes. */
  bytes: number;
}

/** The server's share of a run: its events, its workflow tasks (each a round trip to a worker) and its size. */
async function runHistory(env: BenchEnv, id: string): Promise<RunHistory> {
  const history = await env.client.workflow.getHandle(id).fetchHistory();
  const events = history.events ?? [];
  const completedTask = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
  return {
    events: events.length,
    workflowTasks: events.filter((e) => e.eventType === completedTask).length,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
  };
}

export interface AgentSession {
  turns: number;
  /** Runs in the session's chain (it continues as new past its history bound). */
  runs: number;
  turnP50Ms: number;
  /** The agent worker's RSS after every `sampleEvery` turns. */
  rssMb: number[];
  sampleEvery: number;
}

export interface AgentReport {
  turns: number;
  inProcess: { runs: number; meanRunUs: number; perTurnUs: number };
  throughput: AgentThroughput[];
  /** The peers measured beside the harness (absent in older reports). */
  peers?: PeerName[];
  session: AgentSession | null;
}

/** The loop alone, no Temporal: the same model rule and tool, the same growing conversation. */
export async function agentInProcess(runs: number): Promise<AgentReport['inProcess']> {
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const messages: FloorMessage[] = [{ role: 'user', content: 'go' }];
    for (let turn = 1; ; turn++) {
      const reply = await floorActivities.floorModel({ turn, messages: structuredClone(messages) });
      messages.push(reply);
      if (reply.role !== 'assistant' || !reply.call) break;
      messages.push({ role: 'tool', content: JSON.stringify(await floorActivities.floorEcho(reply.call)) });
    }
    durations.push((performance.now() - t0) * 1000);
  }
  const meanRunUs = mean(durations);
  return { runs, meanRunUs, perTurnUs: meanRunUs / AGENT_TURNS };
}

/** How each subject's run is started, and where its ten turns are read from its result. */
function subjectRun(env: BenchEnv, subject: Subject, id: string) {
  const start = (workflowType: string, taskQueue: string, args: unknown[]) =>
    env.client.workflow.start(workflowType, { taskQueue, workflowId: id, args });
  if (subject === 'harness-agent') return start('benchAgent', env.agentTaskQueue, [{ prompt: 'go' }]);
  if (subject === 'temporal-floor-agent') return start('floorAgent', env.floorTaskQueue, ['go']);
  return start(subject === 'openai-agents' ? 'peerOpenAIAgent' : 'peerAiSdkAgent', env.peerTaskQueue(subject), ['go']);
}

const workerOf = (subject: Subject): WorkerName =>
  subject === 'harness-agent' ? 'agent' : subject === 'temporal-floor-agent' ? 'floor' : subject;

async function agentBatch(env: BenchEnv, subject: Subject, ids: string[], concurrency: number) {
  const runMs: number[] = [];
  const worker = workerOf(subject);
  const cpu0 = env.cpuSeconds(worker);
  const serverCpu0 = env.cpuSeconds('server');
  const t0 = performance.now();
  await inPool(ids, concurrency, async (id) => {
    const started = performance.now();
    const run = await subjectRun(env, subject, id);
    const result = (await run.result()) as { output?: { turns: number }; turns?: number };
    const turns = result.output?.turns ?? result.turns;
    if (turns !== AGENT_TURNS) throw new Error(`${subject} run ${id} took ${turns} turns, not ${AGENT_TURNS}`);
    runMs.push(performance.now() - started);
  });
  const wallMs = performance.now() - t0;
  const cpuMs = (env.cpuSeconds(worker) - cpu0) * 1000;
  const serverCpuMs = (env.cpuSeconds('server') - serverCpu0) * 1000;
  return { wallMs, runMs, cpuMs, serverCpuMs };
}

/**
 * `runs` runs of each subject at one concurrency, in `batches` alternating batches (the subjects in
 * order, then in reverse order) so no side has the warmer server.
 */
export async function agentBesideFloor(
  env: BenchEnv,
  concurrency: number,
  runs: number,
  batches: number,
  peers: readonly PeerName[] = [],
): Promise<AgentThroughput[]> {
  const per = Math.max(1, Math.floor(runs / batches));
  const subjects: Subject[] = ['harness-agent', 'temporal-floor-agent', ...peers];
  const sides = Object.fromEntries(
    subjects.map((subject) => [subject, { wallMs: 0, runMs: [] as number[], cpuMs: 0, serverCpuMs: 0, firstId: '' }]),
  );
  for (let b = 0; b < batches; b++) {
    const order = b % 2 === 0 ? subjects : [...subjects].reverse();
    for (const subject of order) {
      const ids = Array.from({ length: per }, (_, i) => `${subject}-c${concurrency}-b${b}-${i}-${Date.now()}`);
      const batch = await agentBatch(env, subject, ids, concurrency);
      sides[subject].wallMs += batch.wallMs;
      sides[subject].runMs.push(...batch.runMs);
      sides[subject].cpuMs += batch.cpuMs;
      sides[subject].serverCpuMs += batch.serverCpuMs;
      sides[subject].firstId ||= ids[0];
    }
  }
  const results: AgentThroughput[] = [];
  for (const subject of subjects) {
    const { wallMs, runMs, cpuMs, serverCpuMs, firstId } = sides[subject];
    results.push({
      subject,
      concurrency,
      runs: runMs.length,
      runsPerSecond: runMs.length / (wallMs / 1000),
      runMs: spread(runMs),
      turnP50Ms: percentile(runMs, 50) / AGENT_TURNS,
      workerCpuMsPerRun: cpuMs / runMs.length,
      serverCpuMsPerRun: serverCpuMs / runMs.length,
      history: await runHistory(env, firstId),
    });
  }
  return results;
}

/** One session, `turns` messages one after another, each answered before the next; RSS every `sampleEvery` turns. */
export async function agentSession(env: BenchEnv, turns: number, sampleEvery: number): Promise<AgentSession> {
  const id = `bench-session-${Date.now()}`;
  await env.client.workflow.start('benchSession', { taskQueue: env.agentTaskQueue, workflowId: id, args: [{ prompt: 'message 1' }] });
  const session = env.client.workflow.getHandle(id);
  const answered = async (turn: number) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = await session.query(stateQuery).catch(() => null);
      const data = state?.data as { turns?: number; runs?: number } | undefined;
      if (state && (data?.turns ?? 0) >= turn && state.currentStep === 'waiting_for_message') return data?.runs ?? 1;
      if (Date.now() > deadline) throw new Error(`session ${id}: no answer to message ${turn} in 60 s`);
      await pause(2);
    }
  };
  const turnMs: number[] = [];
  const rssMb: number[] = [];
  let runs = await answered(1);
  for (let turn = 2; turn <= turns; turn++) {
    const t0 = performance.now();
    await session.executeUpdate(sendUpdate, { args: [{ text: `message ${turn}` }] });
    runs = await answered(turn);
    turnMs.push(performance.now() - t0);
    if (turn % sampleEvery === 0) rssMb.push(env.rssBytes('agent') / 2 ** 20);
  }
  await session.executeUpdate(sendUpdate, { args: [{ end: true }] });
  await session.result();
  return { turns, runs, turnP50Ms: percentile(turnMs, 50), rssMb, sampleEvery };
}

/** The whole agent scenario on one server: in process, then each concurrency level, then the session. */
export async function agentScenario(
  env: BenchEnv,
  levels: [number, number, number][],
  sessionTurns: number,
  peers: readonly PeerName[],
  log: (line: string) => void,
): Promise<AgentReport> {
  if (peers.length) await installPeers(log);
  await env.startAgentWorker();
  await env.startFloorWorker();
  for (const peer of peers) await env.startPeerWorker(peer);
  const report: AgentReport = {
    turns: AGENT_TURNS,
    inProcess: await agentInProcess(200),
    throughput: [],
    peers: [...peers],
    session: null,
  };
  log(`agent in process: ${report.inProcess.perTurnUs.toFixed(1)} µs per turn`);
  // One run of each side first: the workers' bundles and caches warm, as the other scenarios' first batch does.
  await agentBesideFloor(env, 1, 2, 2, peers);
  for (const [concurrency, runs, batches] of levels) {
    const results = await agentBesideFloor(env, concurrency, runs, batches, peers);
    for (const r of results)
      log(`${r.subject} c=${concurrency}: ${r.runsPerSecond.toFixed(2)} runs/s, p50 ${r.turnP50Ms.toFixed(1)} ms per turn`);
    report.throughput.push(...results);
  }
  if (sessionTurns > 0) {
    report.session = await agentSession(env, sessionTurns, Math.max(1, Math.floor(sessionTurns / 10)));
    log(
      `agent session: ${sessionTurns} turns over ${report.session.runs} runs, RSS ${report.session.rssMb.map((mb) => mb.toFixed(0)).join(' → ')} MB`,
    );
  }
  return report;
}
