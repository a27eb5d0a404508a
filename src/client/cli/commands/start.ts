/** `harness start`: validates the sources file, then starts a research run; with --workflow, a workflow of your own. */
import { readSourcesFile, SAMPLE_SOURCES } from '../../api/sources-file';
import { readEnv } from '../../../config/env';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import { watchRun } from '../watch-view';
import { identity } from '../identity';
import { printJson } from '../format';
import { runOptionsFromEnv, startRun, targetOf } from '../../api/runs';
import { withClient } from '../../api/with-client';
import type { HarnessClient } from '../../api/connect';
import { say } from '../terminal';
import { keepInRunsDir } from '../runs-dir';
import { parseRunExecution, RunExecution } from '../../../shared/execution';
import { HarnessError } from '../../api/harness-error';
import { prepareWorkflowStart, WorkflowStart } from './start-workflow';

export interface StartOptions {
  topic?: string;
  /** A workflow of your own (HARNESS_WORKFLOWS), instead of a research run. */
  workflow?: string;
  /** Its input: JSON text or a file. */
  input?: string;
  sources?: string;
  id?: string;
  policy?: string;
  as?: string;
  output?: string;
  tokenBudget?: number;
  /** `local`, `remote` or tool=mode,... (checked here, so a mistake is one line). */
  execution?: string;
  /** Roles as child workflows (planner, executor, reviewer). */
  multiAgent?: boolean;
  json?: boolean;
  wait?: boolean;
  /** The seed's runs folder: once the run stops (a gate, a pause or its end), its files are written there. */
  runsDir?: string;
}

export async function startCommand(options: StartOptions): Promise<void> {
  const start = options.workflow === undefined ? await prepareStart(options) : await prepareWorkflowStart(workflowOptions(options));
  await withClient(async (h) => {
    const { run, policy, startedBy } = await start(h);
    if (options.json) {
      printJson({
        workflowId: run.workflowId,
        runId: run.firstExecutionRunId,
        taskQueue: h.env.HARNESS_TASK_QUEUE,
        policy: policy.policy.name,
        policyDigest: policy.digest,
        startedBy,
      });
    } else say(`${run.workflowId}\n`);
    if (options.wait) process.exitCode = await watchRun(h, run, { json: options.json });
    if (options.runsDir !== undefined) await keepInRunsDir(h, run, options.runsDir, { followed: options.wait === true });
  });
}

/**
 * Checks what `harness start` is given (flags, sources and policy files) before any connection, so
 * a mistake is one line even with no server; returns the start itself, for a connected client.
 */
export async function prepareStart(options: Omit<StartOptions, 'json' | 'wait'>) {
  if (options.topic === undefined)
    throw new HarnessError("required option '--topic <topic>' not specified (or --workflow NAME for your own)");
  if (options.input !== undefined) throw new HarnessError('--input is for --workflow; a research run takes --topic and --sources');
  const topic = options.topic;
  const execution = options.execution === undefined ? undefined : executionOption(options.execution);
  const sources = await readSourcesFile(options.sources ?? SAMPLE_SOURCES);
  const policy = await loadPolicyFile(policyFileFor(readEnv(), options.policy));
  return async (h: HarnessClient) => {
    const startedBy = identity(h.env, options.as);
    const run = await startRun(targetOf(h), {
      topic,
      sources,
      id: options.id,
      policy,
      startedBy,
      options: runOptionsFromEnv(h.env, {
        outputPath: options.output,
        tokenBudget: options.tokenBudget,
        execution,
        ...(options.multiAgent ? { multiAgent: true } : {}),
      }),
    });
    return { run, policy, startedBy };
  };
}

/** A workflow of your own takes its input and the common flags; the research run's own flags are refused by name. */
function workflowOptions(options: StartOptions): WorkflowStart {
  const researchOnly = {
    topic: '--topic',
    sources: '--sources',
    output: '--output',
    tokenBudget: '--token-budget',
    execution: '--execution',
    multiAgent: '--multi-agent',
  };
  for (const [key, flag] of Object.entries(researchOnly))
    if (options[key as keyof StartOptions] !== undefined)
      throw new HarnessError(`${flag} is for research runs; --workflow ${options.workflow} takes --input`);
  return { workflow: options.workflow!, input: options.input, id: options.id, policy: options.policy, as: options.as };
}

function executionOption(text: string): RunExecution {
  try {
    return parseRunExecution(text);
  } catch (err) {
    throw new HarnessError(`--execution: ${(err as Error).message}`);
  }
}
