/**
 * Pause on error: a tool that failed for good (or a spent token budget) parks the run as
 * `paused_on_error` until an operator resumes it (the step is retried from scratch) or aborts it
 * (the run fails). The two decisions are declared here; research-run.ts registers them.
 */
import { condition } from '@temporalio/workflow';
import { DESCRIPTIONS, UpdateOutcome } from '../../shared/messages';
import { BUILTIN_POLICY, operatorRefusal, Policy } from '../../shared/policy';
import { OperatorPayload } from '../../shared/run';
import type { DecisionDeclaration } from './decisions';
import type { RunRecorder } from './run-recorder';

export type OperatorChoice = 'resume' | 'abort';

export class OperatorControl {
  private choice: { kind: OperatorChoice; operator: string; reason?: string } | null = null;
  private policy: Policy = BUILTIN_POLICY;

  constructor(private readonly run: RunRecorder) {}

  /** The run's policy, once resolved: it says who may resume or abort. */
  usePolicy(policy: Policy): void {
    this.policy = policy;
  }

  readonly resume = this.decision('resume', 'resuming: the step is retried from scratch');
  readonly abort = this.decision('abort', 'aborting: the run fails');

  private decision(kind: OperatorChoice, message: string): DecisionDeclaration<OperatorPayload> {
    return {
      name: kind,
      description: DESCRIPTIONS[kind],
      payload: OperatorPayload,
      refusedEvent: 'operator_refused',
      refusal: (payload) =>
        this.run.state.status === 'paused_on_error' && this.choice === null
          ? operatorRefusal(this.policy, payload.operator)
          : `run is not paused on an error (status: ${this.run.state.status})`,
      apply: (payload): UpdateOutcome => {
        this.choice = { kind, operator: payload.operator, reason: payload.reason };
        return { status: this.run.state.status, message };
      },
    };
  }

  /** Parks the run until an operator decides; returns the choice. */
  async pause(tool: string, error: string, attempts: number): Promise<OperatorChoice> {
    const { run } = this;
    run.state.pausedOn = { tool, error, attempts, at: run.now() };
    run.state.currentStep = tool;
    run.setStatus('paused_on_error');
    run.event('run_paused', { tool, attempt: attempts, message: error });
    await condition(() => this.choice !== null);
    const decided = this.choice!;
    this.choice = null;
    run.state.pausedOn = null;
    run.setStatus('running');
    const type = decided.kind === 'resume' ? 'run_resumed' : 'run_aborted';
    run.event(type, { tool, message: decided.reason, data: { operator: decided.operator } });
    return decided.kind;
  }
}
