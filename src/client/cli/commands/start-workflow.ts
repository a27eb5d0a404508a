/**
 * `harness start --workflow NAME --input JSON|FILE`: starts a workflow of your own (declared with
 * defineWorkflow in the HARNESS_WORKFLOWS module). The input is checked against the workflow's
 * schema and the policy against its tools before any connection, so a mistake is one line.
 */
import { readEnv } from '../../../config/env';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import { declaredWorkflow } from '../../../config/user-modules';
import { parseJsonText, readRegularFile } from '../../../files/read-regular-file';
import { describeZodError, toolCatalog } from '../../../shared/tool-contract';
import { TOOLS } from '../../../shared/tools';
import type { HarnessClient } from '../../api/connect';
import { HarnessError } from '../../api/harness-error';
import { targetOf } from '../../api/runs';
import { startWorkflow } from '../../api/start-workflow';
import { identity } from '../identity';

/** The largest input read from a file or the command line: a workflow's input travels in its history. */
const MAX_INPUT_BYTES = 1_000_000;

export interface WorkflowStart {
  workflow: string;
  input?: string;
  id?: string;
  policy?: string;
  as?: string;
}

export async function prepareWorkflowStart(options: WorkflowStart) {
  const env = readEnv();
  const workflow = declaredWorkflow(env, options.workflow);
  const input = await inputOf(options.input ?? '{}');
  const checked = workflow.declaration.input.safeParse(input);
  if (!checked.success) throw new HarnessError(`invalid input for ${options.workflow}: ${describeZodError(checked.error)}`);
  // A policy file names the built-in tools and this workflow's: a name that is neither is a typo, refused.
  const catalog = toolCatalog([...Object.values(TOOLS), ...[...workflow.tools.values()].filter((tool) => !(tool.name in TOOLS))]);
  const policy = await loadPolicyFile(policyFileFor(env, options.policy), catalog);
  return async (h: HarnessClient) => {
    const startedBy = identity(h.env, options.as);
    const run = await startWorkflow(targetOf(h), workflow, input as never, { id: options.id, policy, startedBy });
    return { run, policy, startedBy };
  };
}

/** `--input`: JSON text when it starts like an object, else a file holding it (a refusal is one line either way). */
async function inputOf(text: string): Promise<unknown> {
  if (!text.trimStart().startsWith('{'))
    return parseJsonText((await readRegularFile(text, { what: 'input file', maxBytes: MAX_INPUT_BYTES })).text, `input file ${text}`);
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) throw new HarnessError(`--input: more than ${MAX_INPUT_BYTES} bytes`);
  return parseJsonText(text, '--input');
}
