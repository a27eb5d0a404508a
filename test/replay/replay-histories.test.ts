/**
 * The determinism guard: every recorded history under test/histories replays against the
 * current workflow bundle, and a reordered workflow fails replay. Regenerate the histories
 * with `npm run record-histories`; keep old ones when the workflow's shape changes.
 */
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { replaySnapshot } from '../../src/client/api/replay-run';
import { TERMINAL_STATUSES } from '../../src/shared/run';
import { quietRuntime } from '../helpers/temporal';
import { exportedSpans, fixtureDataConverter, loadHistory as loadFrom, replayFailures, workflowIdOf } from '../helpers/replay';

const HISTORIES = path.resolve(__dirname, '../histories');

beforeAll(quietRuntime);

const loadHistory = (name: string) => loadFrom(HISTORIES, name);

test('every recorded history replays against the current workflow code', async () => {
  const files = (await fs.readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  // Every shape the workflow has had stays here: v1-* predate policies and updates, v2-* predate
  // generic gates and the gate memo, v3-* predate server-side retries (`patched('server-retries')`),
  // v4-* predate local tools (`patched('local-tools')`), v5-* predate the one patch that implies them
  // all (`shape-2026-11-26`), v6-* predate checked tool results (`shape-2026-12-04`), v7-* predate
  // the worker's default policy through a local activity (`shape-2026-12-06`); the unprefixed ones
  // are the current shape.
  const v2 = [
    'happy-path',
    'reject-path',
    'refused-approval',
    'retried-tool',
    'crash-recovered',
    'failed-review',
    'paused-resumed',
    'quorum-escalation-edit',
    'worker-default-policy',
    'cancelled',
  ];
  const current = [...v2, 'draft-gate', 'draft-gate-rejected'];
  expect(files).toEqual(
    expect.arrayContaining([
      ...['happy-path', 'reject-path', 'refused-approval', 'retried-tool', 'crash-recovered', 'failed-review'].map((n) => `v1-${n}.json`),
      ...v2.map((n) => `v2-${n}.json`),
      ...current.flatMap((n) => [`v3-${n}.json`, `v4-${n}.json`, `v5-${n}.json`, `v6-${n}.json`, `v7-${n}.json`, `${n}.json`]),
      'v5-all-local.json',
      ...['all-local', 'tool-call-gated', 'multi-role', 'signed-approvals'].flatMap((n) => [`v6-${n}.json`, `v7-${n}.json`, `${n}.json`]),
      // An undecodable signal refused, a forged report result refused, the resumed write the real one.
      ...['v7-untrusted-input.json', 'untrusted-input.json'],
      // A seed harness run imported at its gate (`harness import`), approved here.
      'imported-run-approved.json',
      // Recorded with the payload codec on: replay decrypts them with the fixture key.
      ...['encrypted-happy-path', 'encrypted-signed-approvals'].flatMap((n) => [`v6-${n}.json`, `v7-${n}.json`, `${n}.json`]),
    ]),
  );
  // Both bundles: a worker that traces (OpenTelemetry interceptors) must replay every run an untraced one recorded.
  const failures = await replayFailures(HISTORIES, files);
  expect(failures).toEqual([]);
  expect(exportedSpans).toEqual([]);
});

test('every recorded history, of every shape, rebuilds its run on the client with no worker (what export reads)', async () => {
  const files = (await fs.readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  const rebuilt: Record<string, string> = {};
  for (const file of files) {
    const history = await loadHistory(file);
    const { state, sources } = await replaySnapshot(workflowIdOf(history, file), history, fixtureDataConverter());
    const closing = state.trace.at(-1)?.type ?? 'none';
    const researchRun = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === 'researchRun';
    // Closed by its own last event, and a research run with the sources it was given.
    const whole = TERMINAL_STATUSES.includes(state.status) && (!researchRun || sources.length > 0);
    rebuilt[file] = whole ? 'closed' : `${state.status} after ${closing}`;
  }
  expect(rebuilt).toEqual(Object.fromEntries(files.map((f) => [f, 'closed'])));
});

test('the signed run counted only verified approvals, and an encrypted history cannot be read without its key', async () => {
  const signed = await loadHistory('signed-approvals.json');
  const { state } = await replaySnapshot(workflowIdOf(signed, 'signed'), signed);
  expect(state.decision?.approvals?.map((a) => [a.approver, Boolean(a.signedWith)])).toEqual([
    ['alice', true],
    ['bob', true],
  ]);
  expect(state.trace.filter((e) => e.type === 'approval_refused').map((e) => e.message)).toEqual([
    expect.stringMatching(/counts only signed decisions/),
    expect.stringMatching(/made for another gate/),
    expect.stringMatching(/made to reject, not to approve/),
  ]);
  await expect(replaySnapshot('encrypted', await loadHistory('encrypted-happy-path.json'))).rejects.toThrow(
    /^cannot read run encrypted: a payload is encrypted \(key "fixture"\) and this process has no codec keys: set HARNESS_CODEC_KEYS/,
  );
});

test('a reordered workflow fails replay with a determinism error', async () => {
  const replay = Worker.runReplayHistory(
    { workflowsPath: require.resolve('./fixtures/reordered-research-run') },
    await loadHistory('v1-happy-path.json'),
  );
  await expect(replay).rejects.toBeInstanceOf(DeterminismViolationError);
});
