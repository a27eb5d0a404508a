/**
 * The harness as an MCP server: an MCP client (an agent, an IDE) can start governed research runs,
 * watch them and read what they produced. It can never decide: there is no tool to approve, reject,
 * resume, abort or edit. Decisions stay with humans on the CLI, Temporal Web and the other surfaces;
 * an agent able to approve its own risky action would make the gate decorative.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { loadPolicyFile, policyFileFor } from '../../config/policy-file';
import { TRACE_EVENT_TYPES } from '../../shared/run';
import { SourceDocument } from '../../shared/tools';
import type { HarnessClient } from '../api/connect';
import { HarnessError } from '../api/harness-error';
import { listRunPage } from '../api/list-runs';
import { readVerifiedReport } from '../api/report-file';
import { existingRun, readSnapshot, readState, runOptionsFromEnv, startRun, targetOf } from '../api/runs';
import { readSourcesFile, SAMPLE_SOURCES } from '../api/sources-file';
import { runSummary } from '../views/summary';

/** The tools this server offers: reading and starting only. A test checks no decision is among them. */
export const MCP_SERVER_TOOLS = ['start_research_run', 'run_status', 'run_summary', 'pending_approval', 'run_trace', 'list_runs'] as const;

const RunId = z.string().min(1).max(128).describe('the workflow id start_research_run returned');

const answer = (value: unknown, text?: string): CallToolResult => ({
  content: [{ type: 'text', text: text ?? JSON.stringify(value, null, 2) }],
  structuredContent: value as Record<string, unknown>,
});

/** Our errors become MCP tool errors with the CLI's message; anything else is a bug and propagates. */
async function guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof HarnessError || (err instanceof Error && err.name === 'ConfigError'))
      return { isError: true, content: [{ type: 'text', text: err.message }] };
    throw err;
  }
}

export function createMcpServer(h: HarnessClient, version: string): McpServer {
  const server = new McpServer(
    { name: 'durable-harness', version },
    {
      instructions:
        'Start and watch durable research runs on Temporal. Runs stop at an approval gate before writing a report; ' +
        'a human approves with `harness approve RUN_ID` (or Temporal Web). This server cannot approve, reject or resume.',
    },
  );
  const readOnly = { readOnlyHint: true, destructiveHint: false, openWorldHint: false };

  server.registerTool(
    'start_research_run',
    {
      title: 'Start a research run',
      description:
        "Starts a governed research run under the server's policy. It plans, searches the sources, drafts and reviews a report, then waits for a human to approve the write. Returns the run id.",
      inputSchema: {
        topic: z.string().min(3).max(200).describe('what to research'),
        sources: z.array(SourceDocument).min(1).max(200).optional().describe('source documents; default: the bundled samples'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ topic, sources }) =>
      guarded(async () => {
        const policy = await loadPolicyFile(policyFileFor(h.env));
        const run = await startRun(targetOf(h), {
          topic,
          sources: sources ?? (await readSourcesFile(SAMPLE_SOURCES)),
          policy,
          startedBy: h.env.HARNESS_IDENTITY ?? 'mcp',
          options: runOptionsFromEnv(h.env),
        });
        return answer(
          { runId: run.workflowId, status: 'running', policy: policy.policy.name },
          `started ${run.workflowId} under policy ${policy.policy.name}; a human approves its report with \`harness approve ${run.workflowId}\``,
        );
      }),
  );

  server.registerTool(
    'run_status',
    {
      title: 'Run status',
      description: 'The run state: status, current step, steps and attempts, the pending action, the report.',
      inputSchema: { runId: RunId },
      annotations: readOnly,
    },
    ({ runId }) =>
      guarded(async () => {
        const { trace: _trace, ...state } = await readState(h, await existingRun(h, runId));
        return answer(state);
      }),
  );

  server.registerTool(
    'run_summary',
    {
      title: 'Run summary',
      description: 'Where the run stands, who must act, attempts and events, the report, the next commands.',
      inputSchema: { runId: RunId },
      annotations: readOnly,
    },
    ({ runId }) => guarded(async () => answer(runSummary(await readSnapshot(h, await existingRun(h, runId))))),
  );

  server.registerTool(
    'pending_approval',
    {
      title: 'Pending approval',
      description:
        'What waits for a human decision, in full (the whole report or tool arguments), and how the human decides. This server cannot decide.',
      inputSchema: { runId: RunId },
      annotations: readOnly,
    },
    ({ runId }) =>
      guarded(async () => {
        const { state, pendingCall } = await readSnapshot(h, await existingRun(h, runId));
        const decide = state.pendingAction
          ? `harness approve ${runId} --digest ${state.pendingAction.digest.slice(0, 12)} (or harness reject ${runId})`
          : null;
        return answer({ runId, status: state.status, pendingAction: state.pendingAction, pendingCall, howToDecide: decide });
      }),
  );

  server.registerTool(
    'run_trace',
    {
      title: 'Run trace',
      description: "The run's trace events, optionally one type and the last N.",
      inputSchema: { runId: RunId, event: z.enum(TRACE_EVENT_TYPES).optional(), tail: z.number().int().positive().max(1000).optional() },
      annotations: readOnly,
    },
    ({ runId, event, tail }) =>
      guarded(async () => {
        let events = (await readState(h, await existingRun(h, runId))).trace;
        if (event) events = events.filter((e) => e.type === event);
        if (tail) events = events.slice(-tail);
        return answer({ runId, events });
      }),
  );

  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description: 'Research runs from Temporal visibility, newest first, one page at a time.',
      inputSchema: {
        status: z
          .string()
          .optional()
          .describe('running | waiting_approval | paused_on_error | completed | rejected | failed | cancelled | terminated | timed_out'),
        pageSize: z.number().int().min(1).max(100).optional(),
        page: z.string().optional().describe('the nextPage token of a previous answer'),
      },
      annotations: readOnly,
    },
    ({ status, pageSize, page }) =>
      guarded(async () => {
        const { rows, nextPageToken } = await listRunPage(h, { status, pageSize: pageSize ?? 20, pageToken: page });
        return answer({ runs: rows, nextPage: nextPageToken ?? null });
      }),
  );

  server.registerResource(
    'run-state',
    new ResourceTemplate('harness://runs/{runId}/state', { list: undefined }),
    { title: 'Run state', description: 'Everything kept of a run (as `harness inspect`)', mimeType: 'application/json' },
    async (uri, { runId }) => {
      const snapshot = await readSnapshot(h, await existingRun(h, String(runId)));
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(snapshot, null, 2) }] };
    },
  );
  server.registerResource(
    'run-report',
    new ResourceTemplate('harness://runs/{runId}/report', { list: undefined }),
    { title: 'Run report', description: 'The approved report, once written', mimeType: 'text/markdown' },
    async (uri, { runId }) => {
      const { state } = await readSnapshot(h, await existingRun(h, String(runId)));
      if (!state.artifacts.report) throw new HarnessError(`run ${runId} has no report yet (status: ${state.status})`);
      // History says where the report is; it is served only from under this machine's output root, as approved.
      const text = await readVerifiedReport(state.artifacts.report, h.env.HARNESS_OUTPUT_DIR);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] };
    },
  );
  return server;
}
