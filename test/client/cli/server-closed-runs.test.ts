/**
 * A run the server closed under it (terminated, as for a history limit) no longer waits for
 * approval on any surface: status, pending, watch, result, list and inbox say what happened.
 */
import { useCliTestBed } from '../../helpers/test-bed';
import { waitForStatus } from '../../helpers/temporal';

const bed = useCliTestBed('closed');

test('a terminated run shows as terminated everywhere, not as waiting for approval', async () => {
  const started = await bed.harness('start', '--topic', 'durable agent harness', '--json');
  const { workflowId: id } = JSON.parse(started.stdout);
  const run = bed.client.workflow.getHandle(id);
  await waitForStatus(run, ['waiting_approval']);
  await run.terminate('history size exceeded');

  const status = await bed.harness('status', id);
  expect(status.stdout).toMatch(/status: +terminated/);
  expect(status.stdout).toMatch(/error: +the execution was terminated by the server while the run was waiting_approval/);
  expect(status.stdout).not.toMatch(/pending approval/);
  expect((await bed.harness('pending', id)).stdout).toBe('no pending action (status: terminated)\n');
  expect((await bed.harness('watch', id)).code).toBe(6);
  const result = await bed.harness('result', id);
  expect(result).toMatchObject({ code: 6, stderr: `harness: run ${id} was terminated by the server: history size exceeded\n` });

  const inbox = JSON.parse((await bed.harness('inbox', '--json', '--page-size', '1000')).stdout);
  expect(inbox.runs.map((r: { workflowId: string }) => r.workflowId)).not.toContain(id);
  const waiting = JSON.parse((await bed.harness('list', '--status', 'waiting_approval', '--json', '--page-size', '1000')).stdout);
  expect(waiting.rows.map((r: { workflowId: string }) => r.workflowId)).not.toContain(id);
  const terminated = JSON.parse((await bed.harness('list', '--status', 'terminated', '--json', '--page-size', '1000')).stdout);
  expect(terminated.rows).toEqual(expect.arrayContaining([expect.objectContaining({ workflowId: id, status: 'terminated' })]));
});
