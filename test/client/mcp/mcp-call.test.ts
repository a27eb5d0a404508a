/**
 * `harness mcp call`: one tool as a durable toolCall workflow under the effective policy: a
 * read-only tool answers at once; the gated write waits for a human (exit 2), is approved with the
 * ordinary CLI and writes exactly once; bad arguments are one line naming the field.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../../../src/client/api/wait-for';
import { TOOL_CALL_WORKFLOW_TYPE } from '../../../src/shared/tool-call';
import { toolsInHistory } from '../../helpers/temporal';
import { useCliTestBed } from '../../helpers/test-bed';

const bed = useCliTestBed('mcp-call');

test('a read-only tool runs under the policy and prints its output', async () => {
  const args = {
    topic: 'durable harness',
    sources: [{ title: 'Durable runs', content: 'A durable harness survives a crash of its worker.' }],
  };
  const result = await bed.harness('mcp', 'call', 'search_sources', '--args', JSON.stringify(args), '--json');
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  const call = JSON.parse(result.stdout);
  expect(call).toMatchObject({ status: 'completed', output: { matches: [{ title: 'Durable runs' }] } });
  const run = bed.client.workflow.getHandle(call.runId);
  expect((await run.describe()).type).toBe(TOOL_CALL_WORKFLOW_TYPE);
  expect((await toolsInHistory(run)).map((t) => t.tool)).toEqual(['search_sources']);
  const trace = JSON.parse((await bed.harness('trace', call.runId, '--json')).stdout).map((e: { type: string }) => e.type);
  expect(trace).toEqual(['run_created', 'policy_applied', 'policy_checked', 'tool_start', 'tool_ok', 'run_completed']);
});

test('the gated write waits for a human, who approves it with harness approve; it writes once', async () => {
  const markdown = '# Report: by hand\n\n## Key Findings\n\n- Written through mcp call. _(source: test)_\n';
  const args = { runId: 'mcp-call-report', markdown, sha256: createHash('sha256').update(markdown).digest('hex') };
  const waiting = await bed.harness('mcp', 'call', 'finalize_report', '--args', JSON.stringify(args), '--id', 'call-finalize-1');
  expect(waiting.code).toBe(2);
  expect(waiting.stderr).toContain(
    'finalize_report waits for approval (run call-finalize-1): a human reads it with `harness pending call-finalize-1`',
  );
  await expect(fs.stat(path.join(bed.outputRoot, 'mcp-call-report'))).rejects.toThrow();
  // Where approvers look: the inbox lists the waiting call beside research runs.
  const inbox = await waitFor(
    async () => {
      const { runs } = JSON.parse((await bed.harness('inbox', '--json')).stdout) as { runs: { workflowId: string; topic: string }[] };
      return runs.find((r) => r.workflowId === 'call-finalize-1');
    },
    { timeoutMs: 60_000, what: 'the waiting call in the inbox' },
  );
  expect(inbox.topic).toBe('finalize_report call');

  expect((await bed.harness('pending', 'call-finalize-1')).code).toBe(0);
  expect((await bed.harness('approve', 'call-finalize-1')).code).toBe(0);
  expect((await bed.harness('result', 'call-finalize-1')).code).toBe(0);
  expect(await fs.readFile(path.join(bed.outputRoot, 'mcp-call-report', 'final_report.md'), 'utf8')).toBe(markdown);
});

test('bad arguments, an unknown tool or bad JSON: one line each, nothing started', async () => {
  const cases: [string[], RegExp][] = [
    [['search_sources', '--args', '{"topic":"x"}'], /^harness: invalid arguments for search_sources: topic: .*; sources: /],
    [['drop_tables', '--args', '{}'], /^harness: unknown tool "drop_tables": use one of plan_run, /],
    [['plan_run', '--args', '{topic'], /^harness: --args: not JSON/],
  ];
  for (const [args, message] of cases) {
    const result = await bed.harness('mcp', 'call', ...args);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  }
});
