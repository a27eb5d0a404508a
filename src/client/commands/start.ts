/** `harness start`: validates the sources file, then starts a research run. */
import { readSourcesFile, SAMPLE_SOURCES } from '../sources-file';
import { followRun } from '../follow-run';
import { printJson } from '../format';
import { startRun } from '../runs';
import { withClient } from '../with-client';

export interface StartOptions {
  topic: string;
  sources?: string;
  id?: string;
  json?: boolean;
  wait?: boolean;
}

export async function startCommand(options: StartOptions): Promise<void> {
  const sources = await readSourcesFile(options.sources ?? SAMPLE_SOURCES);
  await withClient(async (h) => {
    const run = await startRun(h, { topic: options.topic, sources, id: options.id });
    if (options.json) printJson({ workflowId: run.workflowId, runId: run.firstExecutionRunId, taskQueue: h.env.HARNESS_TASK_QUEUE });
    else process.stdout.write(`${run.workflowId}\n`);
    if (options.wait) process.exitCode = await followRun(h, run, { json: options.json });
  });
}
