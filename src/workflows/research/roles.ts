/**
 * The roles of a multi-role run, each a child workflow with its own history (visible under the
 * parent in Temporal Web): the planner plans, the executor searches, extracts and drafts, the
 * reviewer reviews. A role's tools take the same path as the single loop's (contract, policy, gate,
 * retries, trace); a tool that fails for good ends the role, and the parent pauses for an operator.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { RoleInput, RoleOutput } from '../../shared/roles';
import { describeZodError } from '../../shared/tool-contract';
import { TOOLS } from '../../shared/tools';
import { requireReadableInput } from '../../shared/undecodable';
import type { CallOptions } from '../kernel/call-tool';
import { harnessRun } from '../kernel/harness-run';
import type { RunRecorder } from '../kernel/run-recorder';
import type { ToolPath } from '../kernel/tool-path';

type RoleWork = Omit<RoleOutput, 'steps' | 'trace' | 'usage' | 'rejected'>;
type ParsedInput = ReturnType<typeof RoleInput.parse>;

async function roleRun(
  raw: RoleInput,
  work: (tools: ToolPath, run: RunRecorder, input: ParsedInput) => Promise<RoleWork>,
): Promise<RoleOutput> {
  requireReadableInput(raw);
  // A role is started by its parent only: input it cannot read fails the child before it is a run.
  const parsed = RoleInput.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid role input: ${describeZodError(parsed.error)}`, 'InvalidRunInput');
  const input = parsed.data;
  return harnessRun(
    input,
    {
      workflowType: `${input.role}Role`,
      describe: () => ({
        topic: `${input.topic} (${input.role})`,
        startedBy: input.startedBy,
        previewLines: input.previewLines,
        created: { parent: input.parentId },
      }),
      parse: () => ({ ok: true, input }),
      invalidInputType: 'InvalidRunInput',
      callOptions: (shape): CallOptions => ({
        serverRetries: true,
        checkedResults: shape.has('checked-results'),
        heartbeatTimeoutMs: input.heartbeatTimeoutMs,
        execution: input.execution as CallOptions['execution'],
      }),
      completed: () => ({ data: { role: input.role } }),
      result: ({ steps, trace, usage, status, decision }, produced: RoleWork | undefined) => ({
        ...produced,
        steps,
        trace,
        usage,
        rejected: status === 'rejected' ? decision : null,
      }),
    },
    async (_input, kernel) => {
      await kernel.resolvePolicy(input, 'builtin');
      const tools = kernel.toolPath({ topic: input.topic, budget: null, pauseOnFailure: false });
      return work(tools, kernel.run, input);
    },
  );
}

export async function plannerRole(raw: RoleInput): Promise<RoleOutput> {
  return roleRun(raw, async (tools, _run, input) => {
    const plan = await tools.call(TOOLS.plan_run, { topic: input.topic, sourceTitles: input.sourceTitles ?? [] });
    return { plan: { steps: plan.steps, provider: plan.provider } };
  });
}

export async function executorRole(raw: RoleInput): Promise<RoleOutput> {
  return roleRun(raw, async (tools, _run, input) => {
    const { matches } = await tools.call(TOOLS.search_sources, { topic: input.topic, sources: input.sources ?? [] });
    const { facts } = await tools.call(TOOLS.extract_facts, { matches });
    // The reviewer's findings travel as one more plan step: the draft tool's contract stays as it is.
    const plan = [
      ...(input.plan ?? []),
      ...(input.findings?.length ? [`Address the reviewer's findings: ${input.findings.join('; ')}`] : []),
    ];
    const drafted = await tools.call(TOOLS.draft_report, { topic: input.topic, plan, facts });
    return { facts, draft: { markdown: drafted.markdown, sha256: drafted.sha256 } };
  });
}

export async function reviewerRole(raw: RoleInput): Promise<RoleOutput> {
  return roleRun(raw, async (tools, _run, input) => {
    const review = await tools.call(TOOLS.review_draft, { topic: input.topic, markdown: input.markdown ?? '' });
    return { review: { passed: review.passed, findings: review.findings } };
  });
}
