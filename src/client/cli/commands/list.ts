/** `harness list [--status S]`: research runs found through visibility (HarnessStatus), a page at a time. */
import { printJson } from '../format';
import { listRunPage } from '../../api/list-runs';
import { withClient } from '../../api/with-client';
import { say, warn } from '../terminal';

export interface ListOptions {
  status?: string;
  pageSize?: number;
  page?: string;
  json?: boolean;
}

export async function listCommand(options: ListOptions): Promise<void> {
  await withClient(async (h) => {
    const page = await listRunPage(h, { status: options.status, pageSize: options.pageSize ?? 100, pageToken: options.page });
    if (options.json) return printJson(page);
    for (const row of page.rows) say(`${row.workflowId}\t${row.status}\t${row.startTime}\t${row.topic}\n`);
    if (page.nextPageToken) warn(`more: harness list${options.status ? ` --status ${options.status}` : ''} --page ${page.nextPageToken}\n`);
  });
}
