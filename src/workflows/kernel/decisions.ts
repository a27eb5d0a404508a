/**
 * One declaration, two doors: each operator decision (approve, reject, resume, abort) is a parse
 * + check + apply, from which both its update (the check is the synchronous validator, so the
 * caller hears a refusal) and its signal (a refusal is recorded in the trace) are built. A fix to
 * one door cannot miss the other, and no input ever fails a workflow task.
 */
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import type { UpdateOutcome } from '../../shared/messages';
import type { TraceEventType } from '../../shared/run';
import { describeZodError } from '../../shared/tool-contract';
import { isUndecodable, undecodableReason } from '../../shared/undecodable';
import type { RunRecorder } from './run-recorder';

export type Door = 'update' | 'signal';

export interface DecisionDeclaration<P> {
  name: string;
  description: string;
  payload: z.ZodType<P>;
  /** Why this decision cannot be taken now, or null. Synchronous: it is the update's validator. */
  refusal(payload: P, door: Door): string | null;
  /**
   * Why this decision does not count, checked in the handler after `refusal`, so that it is
   * recorded in the trace even through the update (a validator's refusal leaves no history): a
   * forged or replayed signature is evidence worth keeping.
   */
  recordedRefusal?(payload: P): string | null;
  apply(payload: P): UpdateOutcome | Promise<UpdateOutcome>;
  /** Trace event for a refused signal. */
  refusedEvent: Extract<TraceEventType, 'approval_refused' | 'operator_refused'>;
}

function check<P>(decision: DecisionDeclaration<P>, raw: unknown, door: Door): { payload: P } | { refused: string } {
  const parsed = readPayload(decision, raw);
  if (typeof parsed === 'string') return { refused: parsed };
  const refused = decision.refusal(parsed, door);
  return refused === null ? { payload: parsed } : { refused };
}

/** The payload in its normalized form, or why it cannot be read. Never throws: whatever a caller sends is a value. */
function readPayload<P>(decision: DecisionDeclaration<P>, raw: unknown): P | string {
  const undecodable = undecodableReason(raw);
  if (undecodable) return `invalid payload: it ${undecodable}`;
  try {
    const parsed = decision.payload.safeParse(raw ?? {});
    return parsed.success ? parsed.data : `invalid payload: ${describeZodError(parsed.error)}`;
  } catch (err) {
    // A pathological value (nesting deep enough to exhaust the stack, say) is refused like any other.
    return `invalid payload: it could not be read (${err instanceof Error ? err.name : 'error'})`;
  }
}

export function registerDecision<P>(
  run: RunRecorder,
  decision: DecisionDeclaration<P>,
  signal: SignalDefinition<[unknown?]>,
  update: UpdateDefinition<UpdateOutcome, [P]>,
): void {
  setHandler(
    signal,
    async (raw) => {
      const checked = check(decision, raw, 'signal');
      if ('refused' in checked) return run.event(decision.refusedEvent, { message: checked.refused, data: { signal: decision.name } });
      const refused = decision.recordedRefusal?.(checked.payload);
      if (refused) return run.event(decision.refusedEvent, { message: refused, data: { signal: decision.name } });
      await decision.apply(checked.payload);
    },
    { description: decision.description },
  );
  setHandler(
    update,
    // The validator accepted this payload; it is parsed again so the handler sees the normalized form.
    // (Validators do not run on replay: a payload a later schema refuses fails the update, never the task.)
    (raw: P) => {
      const parsed = readPayload(decision, raw);
      if (typeof parsed === 'string') {
        // Only an undecodable payload gets here (the validator let it through to be recorded): evidence worth keeping.
        if (isUndecodable(raw)) run.event(decision.refusedEvent, { message: parsed, data: { update: decision.name } });
        throw ApplicationFailure.nonRetryable(parsed, isUndecodable(raw) ? 'UndecodablePayload' : 'InvalidPayload');
      }
      const refused = decision.recordedRefusal?.(parsed);
      if (refused) {
        run.event(decision.refusedEvent, { message: refused, data: { update: decision.name } });
        throw ApplicationFailure.nonRetryable(refused, 'DecisionRefused');
      }
      return decision.apply(parsed);
    },
    {
      description: decision.description,
      validator: (raw) => {
        // Accepted only to be refused by the handler, in the trace: a validator's refusal leaves no history.
        if (isUndecodable(raw)) return;
        const checked = check(decision, raw, 'update');
        // Typed and non-retryable, so a caller sees a refusal, not a transient error.
        if ('refused' in checked) throw ApplicationFailure.nonRetryable(checked.refused, 'DecisionRefused');
      },
    },
  );
}
