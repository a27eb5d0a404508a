/**
 * Runs an eval suite on a connected client and a worker serving `taskQueue` with scripted tools:
 * each fixture starts its own run, plays its operator, waits for the run to settle and checks what
 * it left. A few fixtures run at once; an open run is cancelled once checked (nothing is written),
 * and terminated if it does not close: no run of the suite outlives it on a task queue nobody polls.
 * A fixture that cannot be played (a missing sources file, say) fails alone, under its own name.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { HarnessClient } from '../client/api/connect';
import { HarnessError } from '../client/api/harness-error';
import { writeExport } from '../client/api/run-export';
import { readSnapshot, startRun } from '../client/api/runs';
import { readSourcesFile, SAMPLE_SOURCES } from '../client/api/sources-file';
import { LoadedPolicy, loadPolicyFile, policyDigest, policyFileFor } from '../config/policy-file';
import { waitFor } from '../client/api/wait-for';
import { Check, checkRun } from './checks';
import type { Fixture, FixtureSuite } from './fixtures';
import { playOperator, settled } from './operator';
import type { ToolScripts } from './scripted-tools';

export interface EvalResult {
  name: string;
  passed: boolean;
  runId: string | null;
  status: string | null;
  checks: Check[];
  /** Set when the fixture could not be played to its end (a stop that never came, a refused decision). */
  error: string | null;
  durationMs: number;
}

export interface EvalTarget {
  h: HarnessClient;
  taskQueue: string;
  /** Where the worker finds each run's scripted tools. */
  scripts: Map<string, ToolScripts>;
  /** The seed's runs folder: each fixture's run is kept there as files once it settles. */
  runsDir?: string;
}

const CONCURRENCY = 4;

export async function runEvalSuite(target: EvalTarget, suite: FixtureSuite, fixturesFile: string): Promise<EvalResult[]> {
  const results: EvalResult[] = new Array(suite.fixtures.length);
  let next = 0;
  const lane = async () => {
    while (next < suite.fixtures.length) {
      const i = next++;
      results[i] = await runFixture(target, suite.fixtures[i], path.dirname(fixturesFile));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, suite.fixtures.length) }, lane));
  return results;
}

async function policyOf(fixture: Fixture, dir: string, h: HarnessClient): Promise<LoadedPolicy> {
  if (typeof fixture.policy === 'object') return { policy: fixture.policy, digest: policyDigest(fixture.policy), source: 'inline' };
  return loadPolicyFile(fixture.policy ? path.resolve(dir, fixture.policy) : policyFileFor(h.env));
}

async function runFixture({ h, taskQueue, scripts, runsDir }: EvalTarget, fixture: Fixture, dir: string): Promise<EvalResult> {
  const started = Date.now();
  const id = `eval-${fixture.name}-${randomBytes(3).toString('hex')}`;
  const result = (fields: Partial<EvalResult>): EvalResult => {
    const checks = fields.checks ?? [];
    const error = fields.error ?? null;
    return {
      name: fixture.name,
      passed: error === null && checks.length > 0 && checks.every((c) => c.passed),
      runId: null,
      status: null,
      checks,
      error,
      durationMs: Date.now() - started,
      ...fields,
    };
  };
  let sources, policy;
  try {
    sources = await readSourcesFile(fixture.sources ? path.resolve(dir, fixture.sources) : SAMPLE_SOURCES);
    policy = await policyOf(fixture, dir, h);
  } catch (err) {
    return result({ error: oneLine(err) });
  }
  scripts.set(id, fixture.tools);
  let run;
  try {
    run = await startRun(
      { client: h.client, taskQueue },
      { topic: fixture.topic, sources, id, policy, startedBy: fixture.startedBy, options: fixture.options },
    );
  } catch (err) {
    scripts.delete(id);
    if (!(err instanceof HarnessError)) return result({ error: `could not start: ${oneLine(err)}` });
    const refused = fixture.expect.startRefused;
    const passed = refused !== undefined && err.message.includes(refused);
    return result({ checks: [{ name: 'refused at start', passed, expected: refused ?? 'a run', actual: err.message }] });
  }
  if (fixture.expect.startRefused)
    return result({
      runId: id,
      checks: [{ name: 'refused at start', passed: false, expected: fixture.expect.startRefused, actual: 'started' }],
    });
  try {
    await playOperator(h, run, fixture.operator, fixture.startedBy);
    await settled(h, run);
    const snapshot = await readSnapshot(h, run);
    if (runsDir !== undefined) await writeExport(snapshot, runsDir);
    return result({ runId: id, status: snapshot.state.status, checks: await checkRun(fixture.expect, snapshot, h.env.HARNESS_OUTPUT_DIR) });
  } catch (err) {
    return result({ runId: id, error: oneLine(err) });
  } finally {
    await endRun(run);
    scripts.delete(id);
  }
}

const oneLine = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err));

/** How long a cancelled run may take to close (its worker is still polling) before it is terminated. */
const CANCEL_GRACE_MS = 15_000;

/** Closes a fixture's run: cancelled (nothing is written), else terminated, so none stays Running after the suite. */
async function endRun(run: WorkflowHandle): Promise<void> {
  const running = () => run.describe().then((d) => d.status.name === 'RUNNING');
  try {
    if (!(await running())) return;
    await run.cancel();
    await waitFor(async () => ((await running()) ? null : true), { timeoutMs: CANCEL_GRACE_MS, what: `run ${run.workflowId} to close` });
  } catch {
    await run.terminate('the eval fixture ended without closing it').catch(() => undefined);
  }
}
