/** `harness list [--status S]`: research runs found through visibility (HarnessStatus). */
import { CliError } from '../cli-error';
import { printJson } from '../format';
import { STATUS_SEARCH_ATTRIBUTE, WORKFLOW_TYPE } from '../../shared/constants';
import { RUN_STATUSES, RunStatus } from '../../shared/run';
import { HARNESS_STATUS } from '../../shared/search-attributes';
import { withClient } from '../with-client';

export async function listCommand(options: { status?: string; limit?: number; json?: boolean }): Promise<void> {
  if (options.status && !RUN_STATUSES.includes(options.status as RunStatus)) {
    throw new CliError(`unknown status "${options.status}": use one of ${RUN_STATUSES.join(', ')}`);
  }
  let query = `WorkflowType = '${WORKFLOW_TYPE}'`;
  if (options.status) query += ` AND ${STATUS_SEARCH_ATTRIBUTE} = '${options.status}'`;
  const limit = options.limit ?? 100;
  await withClient(async (h) => {
    const rows = [];
    for await (const info of h.client.workflow.list({ query })) {
      rows.push({
        workflowId: info.workflowId,
        status: info.typedSearchAttributes.get(HARNESS_STATUS) ?? info.status.name.toLowerCase(),
        topic: String(info.memo?.topic ?? ''),
        startTime: info.startTime.toISOString(),
      });
      if (rows.length >= limit) break;
    }
    if (options.json) return printJson(rows);
    for (const row of rows) process.stdout.write(`${row.workflowId}\t${row.status}\t${row.startTime}\t${row.topic}\n`);
  });
}
