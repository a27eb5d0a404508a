/**
 * `harness list [--status S]`: research runs found through visibility (HarnessStatus), a page at a
 * time; with `--runs-dir D`, the runs kept as files in D.
 */
import { printJson } from '../format';
import { listRunPage } from '../../api/list-runs';
import { listExports } from '../../api/run-export';
import { withClient } from '../../api/with-client';
import { say, warn } from '../terminal';

export interface ListOptions {
  status?: string;
  pageSize?: number;
  page?: string;
  json?: boolean;
  /** A folder of runs (exports, or the seed's own): listed from its files, with no server. */
  runsDir?: string;
}

export async function listCommand(options: ListOptions): Promise<void> {
  if (options.runsDir !== undefined) return listFolder(options.runsDir, options);
  await withClient(async (h) => {
    const page = await listRunPage(h, { status: options.status, pageSize: options.pageSize ?? 100, pageToken: options.page });
    if (options.json) return printJson(page);
    for (const row of page.rows) say(`${row.workflowId}\t${row.status}\t${row.startTime}\t${row.topic}\n`);
    if (page.nextPageToken) warn(`more: harness list${options.status ? ` --status ${options.status}` : ''} --page ${page.nextPageToken}\n`);
  });
}

async function listFolder(dir: string, options: ListOptions): Promise<void> {
  const rows = (await listExports(dir)).filter((r) => !options.status || ('status' in r && r.status === options.status));
  if (options.json) return printJson({ rows });
  if (!rows.length) warn(`no runs in ${dir}\n`);
  for (const row of rows)
    say(
      'unreadable' in row ? `${row.runId}\t<${row.unreadable}>\n` : `${row.runId}\t${row.status}\t${row.startTime ?? '-'}\t${row.topic}\n`,
    );
}
