/**
 * The sweep of the signal and update door: every decision, through the real `temporal` CLI, with
 * every shape of bad input (none, null, arrays, scalars, empty objects, blank or control-character
 * names, unknown fields, huge strings). Each must be refused — an update with a typed,
 * non-retryable refusal, a signal with a refusal in the trace — and none may fail a workflow task,
 * count as a decision, or stop the run from answering queries.
 */
import { WorkflowHandle } from '@temporalio/client';
import { waitFor } from '../../src/client/api/wait-for';
import { stateQuery, traceQuery } from '../../src/shared/messages';
import { sampleSources, startTestRun, uniqueName, waitForStatus } from '../helpers/temporal';
import { temporalCli } from '../helpers/temporal-cli';
import { useCliTestBed } from '../helpers/test-bed';

const bed = useCliTestBed('hostile');

const DECISIONS = ['approve', 'reject', 'resume', 'abort'] as const;
/** Inputs as the temporal CLI takes them; undefined: no --input at all. */
const BAD_INPUTS: (string | undefined)[] = [
  undefined,
  'null',
  '[]',
  '"alice"',
  '7',
  'true',
  '{}',
  '{"approver":""}',
  '{"approver":"   "}',
  '{"approver":"\\u00a0\\u200b"}',
  '{"approver":"ali\\u0007ce"}',
  '{"approver":42}',
  '{"approver":null}',
  '{"operator":"ops","approver":"ops","extra":1}',
  `{"approver":"${'x'.repeat(5_000)}"}`,
];

async function runAtGate(prefix: string): Promise<WorkflowHandle> {
  const run = await startTestRun(
    bed.client,
    bed.env.HARNESS_TASK_QUEUE!,
    { topic: 'durable agent harness', sources: await sampleSources() },
    uniqueName(prefix),
  );
  await waitForStatus(run, ['waiting_approval']);
  return run;
}

async function failedWorkflowTasks(run: WorkflowHandle): Promise<number> {
  const history = await run.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).length;
}

test('no input, null, scalars, arrays and bad names are refused by every update; no workflow task fails', async () => {
  const run = await runAtGate('hostile-updates');
  for (const name of DECISIONS) {
    for (const input of BAD_INPUTS) {
      const args = [
        'workflow',
        'update',
        'execute',
        '--workflow-id',
        run.workflowId,
        '--name',
        name,
        ...(input === undefined ? [] : ['--input', input]),
      ];
      const result = await temporalCli(args);
      expect({ name, input, code: result.code }).toEqual({ name, input, code: 1 });
      expect(result.output).toMatch(/invalid payload|is not paused|no decision/);
    }
  }
  const state = await run.query(stateQuery);
  expect(state).toMatchObject({ status: 'waiting_approval', decision: null, pendingAction: { approvals: [] } });
  expect(await failedWorkflowTasks(run)).toBe(0);
  await bed.harness('reject', run.workflowId, '--reason', 'sweep done');
  expect((await run.result()).decision).toMatchObject({ outcome: 'rejected', approver: 'tester' });
});

test('the same inputs as signals are refused and recorded; none counts as a decision', async () => {
  const run = await runAtGate('hostile-signals');
  let sent = 0;
  for (const name of ['approve', 'reject'] as const) {
    for (const input of BAD_INPUTS) {
      const result = await temporalCli([
        'workflow',
        'signal',
        '--workflow-id',
        run.workflowId,
        '--name',
        name,
        ...(input === undefined ? [] : ['--input', input]),
      ]);
      expect(result.code).toBe(0);
      sent++;
    }
  }
  const refused = await waitFor(
    async () => {
      const events = (await run.query(traceQuery)).filter((e) => e.type === 'approval_refused');
      return events.length >= sent ? events : null;
    },
    { timeoutMs: 30_000, what: `${sent} refusals` },
  );
  expect(refused).toHaveLength(sent);
  // What a refusal adds to the trace stays small, whatever the payload's size.
  expect(Math.max(...refused.map((e) => JSON.stringify(e).length))).toBeLessThan(1_000);
  expect(await run.query(stateQuery)).toMatchObject({ status: 'waiting_approval', decision: null });
  expect(await failedWorkflowTasks(run)).toBe(0);
  await bed.harness('cancel', run.workflowId);
});
