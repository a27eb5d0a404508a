/**
 * Starts a workflow declared with `defineWorkflow`, typed by its declaration: the input is checked
 * against the workflow's own schema and the policy against its tools before anything starts, so a
 * bad input is one line here rather than a failed run. The run is found and read like any other
 * (the HarnessStatus search attribute, the kernel's queries).
 */
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { z } from 'zod';
import type { LoadedPolicy } from '../../config/policy-file';
import { policySchema } from '../../shared/policy';
import { HARNESS_STATUS } from '../../shared/search-attributes';
import { describeZodError } from '../../shared/tool-contract';
import { DeclaredWorkflow, topicOf, WorkflowInput } from '../../workflows/kernel/define-workflow';
import { HarnessError } from './harness-error';
import { checkRunId, RunTarget } from './runs';
import { randomBytes } from 'node:crypto';

export interface WorkflowStartOptions {
  /** Default: `<workflow>-<8 hex>`. */
  id?: string;
  /** The snapshot the run lives under; absent: the worker's default policy. */
  policy?: LoadedPolicy;
  startedBy?: string;
}

export async function startWorkflow<S extends z.ZodObject, O>(
  { client, taskQueue, workflowTaskTimeoutMs }: RunTarget,
  workflow: DeclaredWorkflow<S, O>,
  input: z.input<S>,
  options: WorkflowStartOptions = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<DeclaredWorkflow<S, O>>> {
  const { name } = workflow.declaration;
  const workflowId = checkRunId(options.id ?? `${name}-${randomBytes(4).toString('hex')}`);
  const checked = workflow.declaration.input.safeParse(input);
  if (!checked.success) throw new HarnessError(`invalid input for ${name}: ${describeZodError(checked.error)}`);
  if (options.policy) {
    // A policy may name tools of other workflows on the same worker; this workflow's own must fit it.
    const policy = policySchema(workflow.tools, 'ignore').safeParse(options.policy.policy);
    if (!policy.success) throw new HarnessError(`policy ${options.policy.source} does not fit ${name}: ${describeZodError(policy.error)}`);
  }
  const harness = {
    ...(options.policy ? { policy: options.policy.policy, policyDigest: options.policy.digest } : {}),
    ...(options.startedBy !== undefined ? { startedBy: options.startedBy } : {}),
  };
  const args = { ...(input as object), ...(Object.keys(harness).length ? { harness } : {}) } as WorkflowInput<S>;
  return client.workflow.start<DeclaredWorkflow<S, O>>(name, {
    args: [args],
    taskQueue,
    workflowId,
    memo: { topic: topicOf(workflow.declaration, checked.data) },
    staticSummary: `${name} · policy ${options.policy?.policy.name ?? 'worker default'}`,
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    ...(workflowTaskTimeoutMs ? { workflowTaskTimeout: workflowTaskTimeoutMs } : {}),
    typedSearchAttributes: [{ key: HARNESS_STATUS, value: 'running' }],
  });
}
