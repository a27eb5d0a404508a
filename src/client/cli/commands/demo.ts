/**
 * `harness demo`: the main job. Starts the embedded dev server if none answers, an in-process
 * worker, and a run on the bundled samples; asks for approval at the terminal (or --yes), then
 * prints the report path and the run's Temporal Web URL, and stops what it started.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { createActivities } from '../../../activities';
import { selectProvider } from '../../../activities/model/select-provider';
import { readEnv } from '../../../config/env';
import { ensureServer, splitAddress } from '../../../dev-server/dev-server';
import { DEFAULT_DB_FILE, TEMPORAL_DIR } from '../../../paths';
import { DEFAULT_UI_PORT } from '../../../shared/constants';
import { createHarnessWorker, tuningFromEnv } from '../../../worker/create-worker';
import { registerSearchAttribute } from '../../../worker/run-worker';
import { HarnessError } from '../../api/harness-error';
import { connectClient } from '../../api/connect';
import { formatPending } from '../format';
import { approveUpdate, rejectUpdate } from '../../../shared/messages';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import { readState, sendUpdate, startRun } from '../../api/runs';
import { readSourcesFile, SAMPLE_SOURCES } from '../../api/sources-file';
import { waitFor } from '../../api/wait-for';

export const DEMO_TOPIC = 'durable agent harness engineering';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function askApproval(): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question('Approve finalize_report and write the report? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

export async function demoCommand(options: { yes?: boolean; topic?: string }): Promise<void> {
  const env = readEnv();
  const sources = await readSourcesFile(SAMPLE_SOURCES);
  say(`Temporal at ${env.TEMPORAL_ADDRESS}: reusing a running server or starting the embedded dev server…`);
  const server = await ensureServer({
    address: env.TEMPORAL_ADDRESS,
    uiPort: DEFAULT_UI_PORT,
    dbFile: DEFAULT_DB_FILE,
    logFile: path.join(TEMPORAL_DIR, 'server.log'),
  });
  say(server.startedHere ? `started dev server (history in ${DEFAULT_DB_FILE})` : 'reusing the running server');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const h = await connectClient(env);
  try {
    await registerSearchAttribute(env);
    const worker = await createHarnessWorker({
      connection: nativeConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.HARNESS_TASK_QUEUE,
      activities: createActivities({ outputRoot: env.HARNESS_OUTPUT_DIR, model: selectProvider(env) }),
      shutdownSignals: [],
      tuning: tuningFromEnv(env),
    });
    await worker.runUntil(async () => {
      const policy = await loadPolicyFile(policyFileFor(env));
      const run = await startRun(h, { topic: options.topic ?? DEMO_TOPIC, sources, policy, startedBy: 'demo' });
      say(`started run ${run.workflowId} on task queue ${env.HARNESS_TASK_QUEUE}`);
      const state = await waitFor(
        async () => {
          const s = await readState(h, run);
          return s.status === 'running' ? null : s;
        },
        { timeoutMs: 60_000, what: `run ${run.workflowId} to reach the approval gate` },
      );
      if (state.status !== 'waiting_approval' || !state.pendingAction) {
        throw new HarnessError(
          `run ${run.workflowId} ended before the approval gate: ${state.status}${state.error ? ` (${state.error})` : ''}`,
        );
      }
      say('\nThe run is waiting for approval:\n' + formatPending(state.pendingAction) + '\n');
      const approved = options.yes ? true : await askApproval();
      say(approved ? (options.yes ? 'approving (--yes)…' : 'approving…') : 'rejecting…');
      if (approved) await sendUpdate(h, run, approveUpdate, { approver: 'operator', digest: state.pendingAction.digest });
      else await sendUpdate(h, run, rejectUpdate, { approver: 'operator', reason: 'declined at the terminal' });
      const result = await run.result();
      const { host } = splitAddress(env.TEMPORAL_ADDRESS);
      say(`run ${run.workflowId}: ${result.status}`);
      if (result.artifacts.report) say(`report: ${result.artifacts.report.path}`);
      say(`Temporal Web: http://${host}:${DEFAULT_UI_PORT}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows/${run.workflowId}`);
      if (server.startedHere) say('(the demo stops its server now; `npm run server` serves this history in Temporal Web)');
    });
  } finally {
    await h.close();
    await nativeConnection.close();
    await server.stop();
  }
}
