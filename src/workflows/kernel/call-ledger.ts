/**
 * What a run remembers of its tool calls for the policy (`maxCalls`, `requires`): how many calls of
 * each tool were let through (in flight or done; a call that failed or was rejected gives its
 * place back), and of the outputs that `requires` rules look at, only those fields. Plain state of
 * the workflow: it replays with the run and continues as new with a session.
 */
import { EarlierCalls, EarlierCallsState, fieldsRequired, Policy } from '../../shared/policy';

/** Outputs kept per tool: a run that reviews more drafts than this keeps the latest. */
const MAX_KEPT_OUTPUTS = 100;

export class CallLedger implements EarlierCalls {
  private state: EarlierCallsState = { counts: {}, outputs: {} };
  private readonly kept: Map<string, Set<string>>;

  constructor(policy: Policy) {
    this.kept = fieldsRequired(policy);
  }

  count(tool: string): number {
    return Object.hasOwn(this.state.counts, tool) ? this.state.counts[tool] : 0;
  }

  outputs(tool: string): readonly Record<string, unknown>[] {
    return Object.hasOwn(this.state.outputs, tool) ? this.state.outputs[tool] : [];
  }

  /** A call the policy let through: it counts from now. */
  admit(tool: string): void {
    this.state.counts[tool] = this.count(tool) + 1;
  }

  /** A call that did not run after all (rejected at its gate, failed for good): its place is given back. */
  withdraw(tool: string): void {
    this.state.counts[tool] = Math.max(0, this.count(tool) - 1);
  }

  /** A call that completed: the fields a `requires` rule may look for are kept. */
  completed(tool: string, output: unknown): void {
    const fields = this.kept.get(tool);
    if (!fields || !output || typeof output !== 'object') return;
    const kept = Object.fromEntries(
      [...fields].filter((f) => Object.hasOwn(output, f)).map((f) => [f, (output as Record<string, unknown>)[f]]),
    );
    const list = Object.hasOwn(this.state.outputs, tool) ? this.state.outputs[tool] : (this.state.outputs[tool] = []);
    list.push(kept);
    if (list.length > MAX_KEPT_OUTPUTS) list.shift();
  }

  /** What a run that continues as new carries. */
  carried(): EarlierCallsState {
    return this.state;
  }

  restore(state: EarlierCallsState): void {
    this.state = { counts: { ...state.counts }, outputs: { ...state.outputs } };
  }
}
