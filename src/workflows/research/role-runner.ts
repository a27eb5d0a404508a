/**
 * The parent's side of a multi-role run: starts each role as a child workflow with an id derived
 * from the run id (a retried task never starts a second child), records every handoff and the
 * role's activity, folds the role's steps, trace and token usage into the run's own state, and
 * pauses the run for an operator when a role fails for good (resume: the role again, as a new child).
 */
import { ApplicationFailure, ChildWorkflowFailure, executeChild, isCancellation } from '@temporalio/workflow';
import type { Handoff, RoleName, RunState } from '../../shared/run';
import { ROLE_PRIMARY_TOOL, ROLE_WORKFLOW_TYPES, RoleInput, RoleOutput } from '../../shared/roles';
import { TOOL_NAMES, ToolName } from '../../shared/tools';
import { GateRejected } from '../kernel/approval-gate';
import { ToolFailedError } from '../kernel/call-tool';
import type { OperatorControl } from '../kernel/operator-control';
import type { RunRecorder } from '../kernel/run-recorder';

const MAX_SUMMARY_CHARS = 200;
/** The child's own bookends; the parent has its own. */
const CHILD_ONLY_EVENTS = new Set(['run_created', 'run_completed', 'policy_applied']);

export type RoleBase = Omit<RoleInput, 'role'>;

export class RoleRunner {
  private readonly starts: Record<RoleName, number> = { planner: 0, executor: 0, reviewer: 0 };
  private budgetWaived = false;

  constructor(
    private readonly run: RunRecorder,
    private readonly control: OperatorControl,
    private readonly base: RoleBase,
    /** The run's token budget, checked between roles (a role's own steps are not paused mid-role). */
    private readonly budget: number | null,
  ) {
    run.state.roles = { current: null, handoffs: [] };
  }

  /** Hands work from `from` to `role` and runs the role to its end; a failure pauses the run until an operator decides. */
  async hand(role: RoleName, from: Handoff['from'], purpose: string, summary: string, given: Partial<RoleInput>): Promise<RoleOutput> {
    const { run } = this;
    for (;;) {
      const n = ++this.starts[role];
      const childId = `${this.base.parentId}--${role}${n > 1 ? `-${n}` : ''}`;
      const handoff = this.record({ from, to: role, purpose, summary, childId });
      run.event('role_activity', { message: `${role} started`, data: { role, childId, activity: 'started' } });
      try {
        const out = await executeChild<(input: RoleInput) => Promise<RoleOutput>>(ROLE_WORKFLOW_TYPES[role], {
          workflowId: childId,
          args: [{ ...this.base, ...given, role }],
          memo: { topic: `${this.base.topic} (${role})` },
          staticSummary: `${role} role of run ${this.run.state.runId}`,
        });
        handoff.endedAt = run.now();
        this.fold(role, out);
        run.event('role_activity', { message: `${role} done`, data: { role, childId, activity: 'completed', steps: out.steps.length } });
        if (out.rejected) throw new GateRejected(out.rejected);
        await this.checkBudget(role);
        return out;
      } catch (err) {
        if (isCancellation(err) || !(err instanceof ChildWorkflowFailure)) throw err;
        handoff.endedAt = run.now();
        const message = `${role} failed: ${err.cause?.message ?? err.message}`;
        run.event('role_activity', { message, data: { role, childId, activity: 'failed' } });
        if ((await this.control.pause(failedTool(err) ?? ROLE_PRIMARY_TOOL[role], message, 1)) === 'abort')
          throw new ToolFailedError(`${message} (aborted by an operator)`);
        from = 'run';
        purpose = `${purpose} (again, after an operator resumed the run)`;
      }
    }
  }

  private async checkBudget(role: RoleName): Promise<void> {
    const used = this.run.state.usage.totalTokens;
    if (this.budget === null || this.budgetWaived || used <= this.budget) return;
    const reason = `token budget exceeded: ${used} of ${this.budget} tokens used`;
    if ((await this.control.pause(ROLE_PRIMARY_TOOL[role], reason, 1)) === 'abort')
      throw new ToolFailedError(`${reason} (aborted by an operator)`);
    this.budgetWaived = true;
  }

  /** The last handoff: the reviewed draft goes back to the run, whose gate guards the write. */
  handBack(from: RoleName, purpose: string, summary: string): void {
    this.record({ from, to: 'approval', purpose, summary, childId: null }).endedAt = this.run.now();
    this.run.state.roles!.current = null;
  }

  private record(fields: Pick<Handoff, 'from' | 'to' | 'purpose' | 'summary' | 'childId'>): Handoff {
    const roles = this.run.state.roles!;
    const handoff: Handoff = {
      seq: roles.handoffs.length + 1,
      ...fields,
      summary: fields.summary.length > MAX_SUMMARY_CHARS ? `${fields.summary.slice(0, MAX_SUMMARY_CHARS - 1)}…` : fields.summary,
      startedAt: this.run.now(),
    };
    roles.handoffs.push(handoff);
    roles.current = fields.to === 'approval' ? null : fields.to;
    this.run.event('role_handoff', { message: `${fields.from} → ${fields.to}: ${fields.purpose}`, data: { ...handoff } });
    return handoff;
  }

  /** The role's steps, trace (at the role's own times) and token usage become part of the run's. */
  private fold(role: RoleName, out: RoleOutput): void {
    const state: RunState = this.run.state;
    state.steps.push(...out.steps.map((step) => ({ ...step, role })));
    for (const e of out.trace) {
      if (CHILD_ONLY_EVENTS.has(e.type)) continue;
      state.trace.push({ ...e, seq: state.trace.length + 1, data: { ...e.data, role, roleSeq: e.seq } });
    }
    const usage = state.usage;
    usage.promptTokens += out.usage.promptTokens;
    usage.completionTokens += out.usage.completionTokens;
    usage.totalTokens += out.usage.totalTokens;
    usage.reportedSteps += out.usage.reportedSteps;
    usage.unreportedSteps += out.usage.unreportedSteps;
  }
}

function failedTool(err: ChildWorkflowFailure): ToolName | undefined {
  const details = err.cause instanceof ApplicationFailure ? err.cause.details : undefined;
  const tool = (details?.[0] as { tool?: unknown } | undefined)?.tool;
  return (TOOL_NAMES as unknown[]).includes(tool) ? (tool as ToolName) : undefined;
}
