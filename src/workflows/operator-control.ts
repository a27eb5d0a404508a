/**
 * Pause on error: a tool that failed for good parks the run as `paused_on_error` until an
 * operator resumes it (the step is retried from scratch) or aborts it (the run fails).
 */
import { condition, setHandler } from '@temporalio/workflow';
import { abortSignal, abortUpdate, DESCRIPTIONS, resumeSignal, resumeUpdate, UpdateOutcome } from '../shared/messages';
import { OperatorPayload } from '../shared/run';
import { describeZodError, ToolName } from '../shared/tools';
import type { OperatorPause } from './call-tool';
import type { RunRecorder } from './run-recorder';

type Choice = 'resume' | 'abort';

export function installOperatorControl(run: RunRecorder): OperatorPause {
  let choice: { kind: Choice; operator: string; reason?: string } | null = null;

  const refusal = (): string | null =>
    run.state.status === 'paused_on_error' && choice === null ? null : `run is not paused on an error (status: ${run.state.status})`;
  const apply = (kind: Choice, payload: OperatorPayload): UpdateOutcome => {
    choice = { kind, operator: payload.operator ?? 'anonymous', reason: payload.reason };
    return {
      status: run.state.status,
      message: kind === 'resume' ? 'resuming: the step is retried from scratch' : 'aborting: the run fails',
    };
  };
  const parse = (raw: unknown): OperatorPayload | string => {
    const parsed = OperatorPayload.safeParse(raw ?? {});
    return parsed.success ? parsed.data : `invalid payload: ${describeZodError(parsed.error)}`;
  };

  for (const [kind, signal, update] of [
    ['resume', resumeSignal, resumeUpdate],
    ['abort', abortSignal, abortUpdate],
  ] as const) {
    setHandler(
      signal,
      (raw) => {
        const payload = parse(raw);
        const refused = typeof payload === 'string' ? payload : refusal();
        if (refused) return run.event('operator_refused', { message: refused, data: { signal: kind } });
        apply(kind, payload as OperatorPayload);
      },
      { description: DESCRIPTIONS[kind] },
    );
    setHandler(update, (payload) => apply(kind, payload), {
      description: DESCRIPTIONS[kind],
      validator: (raw) => {
        const payload = parse(raw);
        const refused = typeof payload === 'string' ? payload : refusal();
        if (refused) throw new Error(refused);
      },
    });
  }

  return async (tool: ToolName, error: string, attempts: number) => {
    run.state.pausedOn = { tool, error, attempts, at: run.now() };
    run.state.currentStep = tool;
    run.setStatus('paused_on_error');
    run.event('run_paused', { tool, attempt: attempts, message: error });
    await condition(() => choice !== null);
    const decided = choice!;
    choice = null;
    run.state.pausedOn = null;
    run.setStatus('running');
    if (decided.kind === 'resume') run.event('run_resumed', { tool, message: decided.reason, data: { operator: decided.operator } });
    else run.event('run_aborted', { tool, message: decided.reason, data: { operator: decided.operator } });
    return decided.kind;
  };
}
