/**
 * One page of research runs from visibility, with the page token exposed so the CLI can page
 * through thousands of runs (the SDK's `list()` iterator hides tokens).
 */
import { defaultPayloadConverter, mapFromPayloads } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { HARNESS_RUNS_QUERY, STATUS_SEARCH_ATTRIBUTE, WAITING_RUNS_QUERY } from '../../shared/constants';
import { OPEN_STATUSES, RUN_STATUSES, RunStatus } from '../../shared/run';
import { HarnessError } from './harness-error';
import type { HarnessClient } from './connect';
import type { GateMemo } from './decide';
import { closedByServerAs } from './runs';

/** Visibility's execution status by number, e.g. 7 → TIMED_OUT. */
const EXECUTION_STATUS: Record<number, string> = Object.fromEntries(
  Object.entries(temporal.api.enums.v1.WorkflowExecutionStatus).map(([name, value]) => [
    value,
    name.replace('WORKFLOW_EXECUTION_STATUS_', ''),
  ]),
);

export interface RunRow {
  workflowId: string;
  status: string;
  topic: string;
  startTime: string;
  /** The open approval gate as the run published it in its memo (no worker needed); null when none. */
  gate: GateMemo | null;
}

export interface RunPage {
  rows: RunRow[];
  /** Pass back as --page to get the next page; null on the last page. */
  nextPageToken: string | null;
}

export const MAX_PAGE_SIZE = 1000;

export function statusQuery(status?: string): string {
  if (status && !RUN_STATUSES.includes(status as RunStatus)) {
    throw new HarnessError(`unknown status "${status}": use one of ${RUN_STATUSES.join(', ')}`);
  }
  // A role's child only shows where it waits for someone: at a gate.
  const query = status === 'waiting_approval' ? WAITING_RUNS_QUERY : HARNESS_RUNS_QUERY;
  if (!status) return query;
  // The server closes some executions under the run (terminate, timeout): their HarnessStatus is stale.
  if (status === 'terminated') return `${query} AND ExecutionStatus = 'Terminated'`;
  if (status === 'timed_out') return `${query} AND ExecutionStatus = 'TimedOut'`;
  const open = OPEN_STATUSES.includes(status as RunStatus) ? ` AND ExecutionStatus = 'Running'` : '';
  return `${query} AND ${STATUS_SEARCH_ATTRIBUTE} = '${status}'${open}`;
}

function decodeToken(token: string | undefined): Uint8Array | undefined {
  if (!token) return undefined;
  if (!/^[A-Za-z0-9+/=_-]+$/.test(token)) throw new HarnessError('invalid --page token: pass the token a previous page printed');
  return Buffer.from(token, 'base64url');
}

export async function listRunPage(h: HarnessClient, options: { status?: string; pageSize: number; pageToken?: string }): Promise<RunPage> {
  const response = await h.connection.workflowService.listWorkflowExecutions({
    namespace: h.env.TEMPORAL_NAMESPACE,
    query: statusQuery(options.status),
    pageSize: Math.min(options.pageSize, MAX_PAGE_SIZE),
    nextPageToken: decodeToken(options.pageToken),
  });
  const rows = (response.executions ?? []).map((e) => {
    const memo = mapFromPayloads(defaultPayloadConverter, e.memo?.fields) ?? {};
    const attributes = mapFromPayloads(defaultPayloadConverter, e.searchAttributes?.indexedFields) ?? {};
    const reported = attributes[STATUS_SEARCH_ATTRIBUTE];
    const harnessStatus = String(Array.isArray(reported) ? reported[0] : (reported ?? 'unknown'));
    const execution = EXECUTION_STATUS[e.status ?? 0] ?? 'RUNNING';
    const closedUnderIt = execution !== 'RUNNING' && OPEN_STATUSES.includes(harnessStatus as RunStatus);
    return {
      workflowId: e.execution?.workflowId ?? '',
      // A run the server closed under it shows as such: its HarnessStatus still says what it was doing.
      status: closedUnderIt ? (closedByServerAs(execution) ?? execution.toLowerCase()) : harnessStatus,
      topic: String(memo.topic ?? ''),
      startTime: e.startTime ? new Date(Number(e.startTime.seconds) * 1000).toISOString() : '',
      gate: (memo.gate ?? null) as GateMemo | null,
    };
  });
  const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : null;
  return { rows, nextPageToken: token };
}
