/**
 * The one path every tool call of a run takes, from "the run wants tool X" to its result:
 * the policy check (recorded either way: `policy_checked` or `policy_denied`), the approval gate
 * when the tool's policy requires one, the call under the tool's retry policy, then usage
 * accounting and the budget pause.
 */
import { CancellationScope } from '@temporalio/workflow';
import { CallFacts, CallVerdict, EarlierCalls, evaluateToolCall, Policy } from '../../shared/policy';
import { previewOf } from '../../shared/run';
import type { AnyTool, InputOf, OutputOf, ToolCatalog } from '../../shared/tool-contract';
import type { CallLedger } from './call-ledger';
import type { TokenUsage } from '../../shared/tools';
import type { ApprovalGates, GateRequest } from './approval-gate';
import { callTool, CallOptions, ToolFailedError } from './call-tool';
import type { OperatorControl } from './operator-control';
import type { RunRecorder } from './run-recorder';

/** Ends the run as failed when the policy refuses a call: before any side effect. */
export class PolicyDeniedError extends Error {}

/** A call to a tool the workflow did not declare: a bug in the workflow, refused before the policy is asked. */
export class UnregisteredToolError extends Error {}

/** What a gate shows instead of the bare arguments (finalize_report's: the report, its review, the report's own sha256). */
export type GateView<T extends AnyTool = AnyTool> = Partial<
  Pick<GateRequest<T>, 'digest' | 'preview' | 'proposedPath' | 'review' | 'onEdited'>
>;

export interface ToolPathSetup {
  run: RunRecorder;
  policy: Policy;
  policyDigest: string | null;
  topic: string;
  gates: ApprovalGates;
  control: OperatorControl;
  calls: CallOptions;
  previewLines: number;
  /** The tools the workflow declared: a call to another is refused. */
  tools: ToolCatalog;
  /** The run's calls so far, for the policy's maxCalls and requires (one per run, shared by its paths). */
  ledger: CallLedger;
  /** The lower of the run's and the policy's token budgets; null: none. */
  budget: number | null;
  /** False in a role's child workflow: a failure for good ends the child, and its parent pauses. */
  pauseOnFailure?: boolean;
}

/** The facts a call is judged on: a writing tool's path, from the workflow or else from its arguments. */
function judgedFacts<T extends AnyTool>(tool: T, args: InputOf<T>, facts: Partial<CallFacts>): Partial<CallFacts> {
  const outputPath = facts.outputPath ?? tool.writesTo?.(args);
  return { ...facts, ...(outputPath !== undefined ? { outputPath } : {}) };
}

export class ToolPath {
  private budgetWaived = false;

  constructor(private readonly setup: ToolPathSetup) {}

  async call<T extends AnyTool>(
    tool: T,
    args: InputOf<T>,
    facts: Partial<CallFacts> = {},
    gateView: GateView<T> = {},
  ): Promise<OutputOf<T>> {
    const { run, policy } = this.setup;
    const { name } = tool;
    if (this.setup.tools.get(name) !== tool) {
      const message = `${name} is not a tool this workflow declared (it declares ${[...this.setup.tools.keys()].join(', ')})`;
      run.event('policy_denied', { tool: name, message, data: { policy: policy.name, unregistered: true } });
      throw new UnregisteredToolError(message);
    }
    const judged = judgedFacts(tool, args, facts);
    const { ledger } = this.setup;
    const verdict = this.judge(tool, args, judged, ledger);
    if (!verdict.allowed) {
      run.event('policy_denied', { tool: name, message: verdict.reason, data: { policy: policy.name, ...judged } });
      throw new PolicyDeniedError(`policy "${policy.name}" denied ${name}: ${verdict.reason}`);
    }
    run.event('policy_checked', {
      tool: name,
      data: { policy: policy.name, policyDigest: this.setup.policyDigest, verdict: 'allowed', approvalRequired: verdict.approvalRequired },
    });
    ledger.admit(name);
    let output: OutputOf<T>;
    try {
      const judge = (edited: InputOf<T>) => this.judgeEdit(tool, edited, judgedFacts(tool, edited, facts));
      output = await this.invoke(tool, verdict.approvalRequired ? await this.gate(tool, args, { judge, ...gateView }) : args);
    } catch (err) {
      ledger.withdraw(name);
      throw err;
    }
    ledger.completed(name, output);
    const overBudget =
      output && typeof output === 'object' && 'usage' in output && this.account(name, output.usage as TokenUsage | null | undefined);
    if (overBudget) await this.pauseOverBudget(name, overBudget);
    return output;
  }

  /**
   * Why the policy would refuse this call with an approver's edited arguments: judged as the call
   * was, its own admission aside (it already counts against maxCalls).
   */
  private judgeEdit<T extends AnyTool>(tool: T, args: InputOf<T>, facts: Partial<CallFacts>): string | null {
    const { ledger } = this.setup;
    const earlier: EarlierCalls = {
      count: (name) => ledger.count(name) - (name === tool.name ? 1 : 0),
      outputs: (name) => ledger.outputs(name),
    };
    const verdict = this.judge(tool, args, facts, earlier);
    return verdict.allowed ? null : verdict.reason;
  }

  private judge<T extends AnyTool>(tool: T, args: InputOf<T>, facts: Partial<CallFacts>, earlier: EarlierCalls): CallVerdict {
    return evaluateToolCall(this.setup.policy, tool, { topic: this.setup.topic, ...facts, args, earlier });
  }

  private gate<T extends AnyTool>(tool: T, args: InputOf<T>, view: GateView<T> & Pick<GateRequest<T>, 'judge'>): Promise<InputOf<T>> {
    const { gates, previewLines } = this.setup;
    return gates.request<T>({
      tool,
      args,
      digest: view.digest ?? gates.digestOf(tool.name, args),
      preview: view.preview ?? previewOf(JSON.stringify(args, null, 2), previewLines),
      ...(view.proposedPath !== undefined ? { proposedPath: view.proposedPath } : {}),
      ...(view.review ? { review: view.review } : {}),
      ...(view.onEdited ? { onEdited: view.onEdited } : {}),
      ...(view.judge ? { judge: view.judge } : {}),
    });
  }

  /**
   * The call under the tool's retry policy; when it fails for good the run pauses for an operator
   * (resume: the step again from scratch; abort: the run fails). A risky tool's attempts are not
   * cancellable — its write happens exactly as approved or not at all — but the pause between
   * them is, so a run paused inside finalize_report can still be cancelled.
   */
  private async invoke<T extends AnyTool>(tool: T, args: InputOf<T>): Promise<OutputOf<T>> {
    const { run, control, calls } = this.setup;
    const attempt = () => callTool(run, tool, args, calls);
    for (;;) {
      try {
        return tool.risky ? await CancellationScope.nonCancellable(attempt) : await attempt();
      } catch (err) {
        if (!(err instanceof ToolFailedError) || !err.failure || this.setup.pauseOnFailure === false) throw err;
        const { error, attempts } = err.failure;
        if ((await control.pause(tool.name, error, attempts)) === 'abort')
          throw new ToolFailedError(`${err.message} (aborted by an operator)`);
      }
    }
  }

  /** Records a model call's usage; past the budget, says why the run must pause (synchronous: most calls never pause). */
  private account(tool: string, usage: TokenUsage | null | undefined): string | null {
    if (usage === undefined) return null; // no model was called
    const { run, budget } = this.setup;
    run.recordUsage(tool, usage);
    const used = run.state.usage.totalTokens;
    if (budget === null || this.budgetWaived || used <= budget) return null;
    return `token budget exceeded: ${used} of ${budget} tokens used`;
  }

  /** Past the budget the run pauses: resume lets it go on (the operator accepts the cost), abort fails it. */
  private async pauseOverBudget(tool: string, reason: string): Promise<void> {
    if ((await this.setup.control.pause(tool, reason, 1)) === 'abort') throw new ToolFailedError(`${reason} (aborted by an operator)`);
    this.budgetWaived = true;
  }
}
