/**
 * One page of research runs from visibility, with the page token exposed so the CLI can page
 * through thousands of runs (the SDK's `list()` iterator hides tokens).
 */
import { defaultPayloadConverter, mapFromPayloads } from '@temporalio/common';
import { decodeMapFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { createHash } from 'node:crypto';
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

/**
 * A page token as we print it: the server's token and a check bound to the query it pages. A
 * mistyped, truncated or foreign token is refused here at once; the server would answer it with
 * `UNKNOWN` after the client's ~20 s of retries.
 */
const tokenCheck = (query: string, token: Uint8Array) =>
  createHash('sha256').update(query).update('\0').update(token).digest('base64url').slice(0, 12);

const encodeToken = (query: string, token: Uint8Array) => `${Buffer.from(token).toString('base64url')}.${tokenCheck(query, token)}`;

const BAD_TOKEN = 'invalid page token: pass the token a previous page printed, with the same status filter';

function decodeToken(query: string, token: string | undefined): Uint8Array | undefined {
  if (!token) return undefined;
  const parts = /^([A-Za-z0-9_-]{1,8192})\.([A-Za-z0-9_-]{12})$/.exec(token);
  const bytes = parts ? Buffer.from(parts[1], 'base64url') : null;
  if (!parts || !bytes?.length || tokenCheck(query, bytes) !== parts[2]) throw new HarnessError(BAD_TOKEN);
  return bytes;
}

/** A page with a token is asked once, briefly: a token that passed the check but that the server cannot read is said in one line. */
const TOKEN_DEADLINE_MS = 10_000;

/**
 * A run's memo through this process's codec (with the codec on, Temporal stores it encrypted). One
 * run whose memo cannot be read here (its key is not among ours, its bytes are junk) shows as such;
 * it never takes the list down with it.
 */
async function memoOf(h: HarnessClient, fields: Parameters<typeof decodeMapFromPayloads>[1]): Promise<Record<string, unknown>> {
  try {
    return (await decodeMapFromPayloads(h.client.options.loadedDataConverter, fields)) ?? {};
  } catch {
    return { topic: '(memo unreadable here: encrypted under a key this process lacks, or not a harness memo)' };
  }
}

export async function listRunPage(h: HarnessClient, options: { status?: string; pageSize: number; pageToken?: string }): Promise<RunPage> {
  const query = statusQuery(options.status);
  const nextPageToken = decodeToken(query, options.pageToken);
  const list = () =>
    h.connection.workflowService.listWorkflowExecutions({
      namespace: h.env.TEMPORAL_NAMESPACE,
      query,
      pageSize: Math.min(options.pageSize, MAX_PAGE_SIZE),
      nextPageToken,
    });
  const response = nextPageToken
    ? await h.connection.withDeadline(Date.now() + TOKEN_DEADLINE_MS, list).catch((err: Error) => {
        throw new HarnessError(`${BAD_TOKEN} (the server answered: ${err.message.split('\n')[0]})`);
      })
    : await list();
  const rows = await Promise.all(
    (response.executions ?? []).map(async (e) => {
      const memo = await memoOf(h, e.memo?.fields);
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
    }),
  );
  const token = response.nextPageToken?.length ? encodeToken(query, response.nextPageToken) : null;
  return { rows, nextPageToken: token };
}
