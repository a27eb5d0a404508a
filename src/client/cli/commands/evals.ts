/**
 * `harness evals [--fixtures FILE]`: runs a suite of trace-aware eval fixtures against the embedded
 * default (the dev server is started if none answers) with an in-process worker on a task queue of
 * its own, the offline model and each fixture's scripted tools; prints a pass/fail table; exits 1 on
 * any failure.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readEnv } from '../../../config/env';
import { ensureEmbeddedServer } from '../../../dev-server/dev-server';
import { DEFAULT_FIXTURES, loadFixtures } from '../../../evals/fixtures';
import { EvalResult, runEvalSuite } from '../../../evals/run-evals';
import { scriptedActivities, ToolScripts } from '../../../evals/scripted-tools';
import { workerFromEnv } from '../../../worker/worker-from-env';
import { connectClient } from '../../api/connect';
import { HarnessError } from '../../api/harness-error';
import { printJson } from '../format';
import { say, warn } from '../terminal';

export async function evalsCommand(options: { fixtures?: string; only?: string; json?: boolean; runsDir?: string }): Promise<void> {
  const file = path.resolve(options.fixtures ?? DEFAULT_FIXTURES);
  const notes: string[] = [];
  const suite = await loadFixtures(file, notes);
  for (const note of notes) warn(`note: ${note}\n`);
  if (options.only) {
    const wanted = options.only.split(',').map((n) => n.trim());
    const unknown = wanted.filter((n) => !suite.fixtures.some((f) => f.name === n));
    if (unknown.length) throw new HarnessError(`--only: no fixture named ${unknown.join(', ')} in ${file}`);
    suite.fixtures = suite.fixtures.filter((f) => wanted.includes(f.name));
  }
  const env = { ...readEnv(), HARNESS_TASK_QUEUE: `evals-${randomBytes(4).toString('hex')}`, HARNESS_MODEL_PROVIDER: 'offline' as const };
  const server = await ensureEmbeddedServer(env);
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // A host that installed its own runtime keeps it.
  }
  const scripts = new Map<string, ToolScripts>();
  const h = await connectClient(env);
  try {
    const built = await workerFromEnv(env, {
      shutdownSignals: [],
      wrapActivities: (tools) => scriptedActivities(tools, (id) => scripts.get(id)),
    });
    try {
      const results = await built.worker.runUntil(
        runEvalSuite({ h, taskQueue: env.HARNESS_TASK_QUEUE, scripts, runsDir: options.runsDir }, suite, file),
      );
      const failed = results.filter((r) => !r.passed).length;
      if (options.json) printJson({ fixtures: file, passed: results.length - failed, failed, results });
      else say(formatResults(results));
      if (failed) process.exitCode = 1;
    } finally {
      await built.close();
    }
  } finally {
    await h.close();
    await server.stop();
  }
  if (!options.json && server.startedHere) warn('(evals started the dev server and stopped it again)\n');
}

function formatResults(results: EvalResult[]): string {
  const width = Math.max(7, ...results.map((r) => r.name.length));
  const rows = results.map((r) => {
    const passedChecks = r.checks.filter((c) => c.passed).length;
    return `${r.name.padEnd(width)}  ${r.passed ? 'pass' : 'FAIL'}  ${(r.status ?? '-').padEnd(16)}  ${`${passedChecks}/${r.checks.length}`.padStart(6)}  ${(r.durationMs / 1000).toFixed(1).padStart(5)} s`;
  });
  const failures = results
    .filter((r) => !r.passed)
    .flatMap((r) => [
      ...(r.error ? [`  ${r.name}: ${r.error}`] : []),
      ...r.checks
        .filter((c) => !c.passed)
        .map((c) => `  ${r.name}: ${c.name}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`),
    ]);
  const failed = results.filter((r) => !r.passed).length;
  return [
    `${'fixture'.padEnd(width)}  res   ${'status'.padEnd(16)}  checks   time`,
    ...rows,
    `${results.length} fixtures: ${results.length - failed} passed, ${failed} failed`,
    ...failures,
    '',
  ].join('\n');
}
