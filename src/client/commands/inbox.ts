/** `harness inbox`: every run waiting for approval, with what an approver needs to decide. */
import type { PendingAction } from '../../shared/run';
import { printJson } from '../format';
import { listRunPage } from '../list-runs';
import { readPending } from '../runs';
import { withClient } from '../with-client';

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
    // Visibility lags a little: a run listed here may have been decided a moment ago.
    const items: InboxItem[] = await Promise.all(
      page.rows.map(async (row) => {
        const pending = await readPending(h, h.client.workflow.getHandle(row.workflowId)).catch(() => null);
        return {
          workflowId: row.workflowId,
          topic: row.topic,
          waitingSince: pending?.requestedAt ?? null,
          tool: pending?.tool ?? null,
          digestPrefix: pending?.digest.slice(0, 12) ?? null,
          draft: pending?.preview.firstLines.slice(0, lines) ?? [],
        };
      }),
    );
    const waiting = items.filter((item) => item.tool !== null);
    if (options.json) return printJson({ runs: waiting, nextPageToken: page.nextPageToken });
    if (!waiting.length) process.stdout.write('inbox empty: no run is waiting for approval\n');
    for (const item of waiting) {
      process.stdout.write(
        [
          `${item.workflowId}  ${item.tool}  digest ${item.digestPrefix}…  waiting since ${item.waitingSince}`,
          `  topic: ${item.topic}`,
          ...item.draft.map((line) => `  | ${line}`),
          `  approve: harness approve ${item.workflowId}    reject: harness reject ${item.workflowId} --reason "…"`,
          '',
        ].join('\n'),
      );
    }
    if (page.nextPageToken) process.stderr.write(`more: harness inbox --page ${page.nextPageToken}\n`);
  });
}
