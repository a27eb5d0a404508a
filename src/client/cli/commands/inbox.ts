/** `harness inbox`: every run waiting for approval, with what an approver needs to decide. */
import type { PendingAction } from '../../../shared/run';
import { printJson } from '../format';
import { listRunPage } from '../../api/list-runs';
import { readPending } from '../../api/runs';
import { withClient } from '../../api/with-client';
import { say, warn } from '../terminal';

/** Shorter than other commands': one run without a worker must not stall the whole inbox. */
const INBOX_QUERY_DEADLINE_MS = 3_000;

export interface InboxOptions {
  pageSize?: number;
  page?: string;
  lines?: number;
  json?: boolean;
}

export interface InboxItem {
  workflowId: string;
  topic: string;
  waitingSince: string | null;
  tool: PendingAction['tool'] | null;
  digestPrefix: string | null;
  draft: string[];
}

export async function inboxCommand(options: InboxOptions): Promise<void> {
  const lines = options.lines ?? 3;
  await withClient(async (h) => {
    const page = await listRunPage(h, { status: 'waiting_approval', pageSize: options.pageSize ?? 20, pageToken: options.page });
    // Rows come from visibility; the pending action from a query, which needs a live worker.
    const items: InboxItem[] = await Promise.all(
      page.rows.map(async (row) => {
        const pending = await readPending(h, h.client.workflow.getHandle(row.workflowId), INBOX_QUERY_DEADLINE_MS).catch(() => null);
        // Without a worker, the memo still says which gate is open and its digest.
        const gate = pending ?? row.gate;
        return {
          workflowId: row.workflowId,
          topic: row.topic,
          waitingSince: gate?.requestedAt ?? null,
          tool: gate?.tool ?? null,
          digestPrefix: gate?.digest.slice(0, 12) ?? null,
          draft: pending?.preview.firstLines.slice(0, lines) ?? [],
        };
      }),
    );
    if (options.json) return printJson({ runs: items, nextPageToken: page.nextPageToken });
    if (!items.length) say('inbox empty: no run is waiting for approval\n');
    for (const item of items) {
      const detail = item.tool
        ? `${item.tool}  digest ${item.digestPrefix}…  waiting since ${item.waitingSince}`
        : '(no worker answered: start one with `harness worker` to see the pending action)';
      const noDraft =
        item.tool && !item.draft.length ? ['  (no worker answered: the draft shows once one runs; a decision is recorded either way)'] : [];
      say(
        [
          `${item.workflowId}  ${detail}`,
          `  topic: ${item.topic}`,
          ...item.draft.map((line) => `  | ${line}`),
          ...noDraft,
          `  approve: harness approve ${item.workflowId}    reject: harness reject ${item.workflowId} --reason "…"`,
          '',
        ].join('\n'),
      );
    }
    if (page.nextPageToken) warn(`more: harness inbox --page ${page.nextPageToken}\n`);
  });
}
