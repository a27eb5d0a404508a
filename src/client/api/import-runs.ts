/**
 * `harness import`: runs kept as files (the seed harness's `.runs/<id>/`, or exports) started as
 * `importedRun` workflows under their own ids, so they list, read and decide beside new runs.
 * Importing is idempotent: a run already in Temporal under that id is left as it is and said so.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { LoadedPolicy } from '../../config/policy-file';
import { IMPORTED_RUN_WORKFLOW_TYPE, ImportedRunInput } from '../../shared/imported-run';
import { MAX_RUN_INPUT_CHARS } from '../../shared/run';
import { HARNESS_STATUS } from '../../shared/search-attributes';
import type { importedRun } from '../../workflows';
import { HarnessError } from './harness-error';
import { listExports, readExport } from './run-export';
import type { RunTarget } from './runs';

export interface ImportOutcome {
  runId: string;
  /** The status the record had. */
  status: string;
  outcome: 'imported' | 'already imported' | 'refused';
  reason?: string;
}

/** Imports the runs named (default: every run in the folder); one outcome per run, in order. */
export async function importRuns(
  { client, taskQueue }: RunTarget,
  dir: string,
  options: { ids?: string[]; policy: LoadedPolicy; startedBy?: string },
): Promise<ImportOutcome[]> {
  const ids = options.ids?.length ? options.ids : (await listExports(dir)).map((row) => row.runId);
  if (!ids.length) throw new HarnessError(`${dir}: no runs to import`);
  const outcomes: ImportOutcome[] = [];
  for (const id of ids) {
    let status = 'unknown';
    try {
      const snapshot = await readExport(dir, { id });
      status = snapshot.state.status;
      const input: ImportedRunInput = {
        from: `${dir}/${id}`,
        snapshot: snapshot as unknown as ImportedRunInput['snapshot'],
        policy: options.policy.policy,
        policyDigest: options.policy.digest,
        ...(options.startedBy ? { startedBy: options.startedBy } : {}),
      };
      const size = JSON.stringify(input).length;
      if (size > MAX_RUN_INPUT_CHARS) throw new HarnessError(`${size} characters: at most ${MAX_RUN_INPUT_CHARS} fit in a run's input`);
      await client.workflow.start<typeof importedRun>(IMPORTED_RUN_WORKFLOW_TYPE, {
        args: [input],
        taskQueue,
        workflowId: id,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { topic: snapshot.state.topic },
        staticSummary: `imported from ${dir}`,
        typedSearchAttributes: [{ key: HARNESS_STATUS, value: 'running' }],
      });
      outcomes.push({ runId: id, status, outcome: 'imported' });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) outcomes.push({ runId: id, status, outcome: 'already imported' });
      else outcomes.push({ runId: id, status, outcome: 'refused', reason: (err as Error).message.split('\n')[0] });
    }
  }
  return outcomes;
}
