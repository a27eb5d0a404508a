/**
 * Runs an eval suite on a connected client and a worker serving `taskQueue` with scripted tools:
 * each fixture starts its own run, plays its operator, waits for the run to settle and checks what
 * it left. A few fixtures run at once; an open run is cancelled once checked (nothing is written).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { HarnessClient } from '../client/api/connect';
import { HarnessError } from '../client/api/harness-error';
import { readSnapshot, startRun } from '../client/api/runs';
import { readSourcesFile, SAMPLE_SOURCES } from '../client/api/sources-file';
import { LoadedPolicy, loadPolicyFile, policyDigest, policyFileFor } from '../config/policy-file';
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

async function runFixture({ h, taskQueue, scripts }: EvalTarget, fixture: Fixture, dir: string): Promise<EvalResult> {
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
  scripts.set(id, fixture.tools);
  const sources = await readSourcesFile(fixture.sources ? path.resolve(dir, fixture.sources) : SAMPLE_SOURCES);
  const policy = await policyOf(fixture, dir, h);
  let run;
  try {
    run = await startRun(
      { client: h.client, taskQueue },
      { topic: fixture.topic, sources, id, policy, startedBy: fixture.startedBy, options: fixture.options },
    );
  } catch (err) {
    if (!(err instanceof HarnessError)) throw err;
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
    return result({ runId: id, status: snapshot.state.status, checks: await checkRun(fixture.expect, snapshot) });
  } catch (err) {
    return result({ runId: id, error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
  } finally {
    const { status } = await run.describe();
    if (status.name === 'RUNNING') await run.cancel();
    scripts.delete(id);
  }
}
