/**
 * `harness demo`: the main job. Starts the embedded dev server if none answers, an in-process
 * worker, and a run on the bundled samples; asks for approval at the terminal (or --yes), then
 * prints the report path and the run's Temporal Web URL, and stops what it started.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createInterface } from 'node:readline/promises';
import { readEnv } from '../../../config/env';
import { ensureEmbeddedServer, splitAddress } from '../../../dev-server/dev-server';
import { DEFAULT_DB_FILE } from '../../../paths';
import { DEFAULT_UI_PORT } from '../../../shared/constants';
import { EnvWorker, workerFromEnv } from '../../../worker/worker-from-env';
import { HarnessError } from '../../api/harness-error';
import { connectClient, HarnessClient } from '../../api/connect';
import { formatPending } from '../format';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import { decide } from '../../api/decide';
import { readState, runOptionsFromEnv, startRun, targetOf } from '../../api/runs';
import { readSourcesFile, SAMPLE_SOURCES } from '../../api/sources-file';
import { waitFor } from '../../api/wait-for';
import { say } from '../terminal';
import { describeTarget } from '../../../config/temporal-profile';

export const DEMO_TOPIC = 'durable agent harness engineering';

const sayLine = (line: string) => say(`${line}\n`);

async function askApproval(tool: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(
      tool === 'finalize_report' ? 'Approve finalize_report and write the report? [y/N] ' : `Approve ${tool}? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

export async function demoCommand(options: { yes?: boolean; topic?: string }): Promise<void> {
  const env = readEnv();
  const sources = await readSourcesFile(SAMPLE_SOURCES);
  sayLine(`Temporal at ${describeTarget(env)}: reusing a running server or starting the embedded dev server…`);
  const server = await ensureEmbeddedServer(env);
  sayLine(server.startedHere ? `started dev server (history in ${DEFAULT_DB_FILE})` : 'reusing the running server');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  let client: HarnessClient | undefined;
  let built: EnvWorker | undefined;
  try {
    const h = (client = await connectClient(env));
    built = await workerFromEnv(env, { shutdownSignals: [] });
    await built.worker.runUntil(async () => {
      const policy = await loadPolicyFile(policyFileFor(env));
      const run = await startRun(targetOf(h), {
        topic: options.topic ?? DEMO_TOPIC,
        sources,
        policy,
        startedBy: 'demo',
        options: runOptionsFromEnv(env),
      });
      sayLine(`started run ${run.workflowId} on task queue ${env.HARNESS_TASK_QUEUE}`);
      // Every gate the policy opens is decided at the terminal, in turn.
      for (;;) {
        const state = await waitFor(
          async () => {
            const s = await readState(h, run);
            return s.status === 'running' ? null : s;
          },
          { timeoutMs: 60_000, what: `run ${run.workflowId} to reach an approval gate or end` },
        );
        if (state.status !== 'waiting_approval' || !state.pendingAction) break;
        const { tool, digest } = state.pendingAction;
        sayLine('\nThe run is waiting for approval:\n' + formatPending(state.pendingAction) + '\n');
        const approved = options.yes ? true : await askApproval(tool);
        sayLine(approved ? (options.yes ? 'approving (--yes)…' : 'approving…') : 'rejecting…');
        if (approved) {
          const { outcome } = await decide(h, run.workflowId, 'approve', { approver: 'operator', digest });
          if (outcome?.stillNeeded)
            throw new HarnessError(
              `the policy needs ${outcome.stillNeeded} more approver(s) for ${tool}: harness approve ${run.workflowId} --approver NAME`,
            );
        } else await decide(h, run.workflowId, 'reject', { approver: 'operator', reason: 'declined at the terminal' });
        await waitFor(async () => (await readState(h, run)).pendingAction?.digest !== digest, {
          timeoutMs: 30_000,
          what: `run ${run.workflowId} to act on the decision`,
        });
      }
      const result = await run.result().catch((err: Error) => {
        throw new HarnessError(`run ${run.workflowId} did not complete: ${(err as { cause?: Error }).cause?.message ?? err.message}`);
      });
      const { host } = splitAddress(env.TEMPORAL_ADDRESS);
      sayLine(`run ${run.workflowId}: ${result.status}`);
      if (result.artifacts.report) sayLine(`report: ${result.artifacts.report.path}`);
      sayLine(`Temporal Web: http://${host}:${DEFAULT_UI_PORT}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows/${run.workflowId}`);
      if (server.startedHere) sayLine('(the demo stops its server now; `npm run server` serves this history in Temporal Web)');
    });
  } finally {
    await client?.close();
    await built?.close();
    await server.stop();
  }
}
