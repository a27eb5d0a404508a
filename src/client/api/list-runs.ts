/**
 * One page of research runs from visibility, with the page token exposed so the CLI can page
 * through thousands of runs (the SDK's `list()` iterator hides tokens).
 */
import { defaultPayloadConverter, mapFromPayloads } from '@temporalio/common';
import { STATUS_SEARCH_ATTRIBUTE, WORKFLOW_TYPE } from '../../shared/constants';
import { RUN_STATUSES, RunStatus } from '../../shared/run';
import { HarnessError } from './harness-error';
import type { HarnessClient } from './connect';
import type { GateMemo } from './decide';

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
  const query = `WorkflowType = '${WORKFLOW_TYPE}'`;
  return status ? `${query} AND ${STATUS_SEARCH_ATTRIBUTE} = '${status}'` : query;
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
    const status = attributes[STATUS_SEARCH_ATTRIBUTE];
    return {
      workflowId: e.execution?.workflowId ?? '',
      status: String(Array.isArray(status) ? status[0] : (status ?? 'unknown')),
      topic: String(memo.topic ?? ''),
      startTime: e.startTime ? new Date(Number(e.startTime.seconds) * 1000).toISOString() : '',
      gate: (memo.gate ?? null) as GateMemo | null,
    };
  });
  const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : null;
  return { rows, nextPageToken: token };
}
