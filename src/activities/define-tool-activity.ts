/**
 * Wraps a tool implementation so its input and output are checked against the tool's contract,
 * and so the workflow learns which attempt answered: the server retries a tool under its own
 * policy, and only the activity knows its attempt number.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { whileHeartbeating } from './heartbeat';
import { AnyTool, describeZodError, InputOf, NON_RETRYABLE, OutputOf } from '../shared/tool-contract';
import { TOOLS, ToolInput, ToolName, ToolOutput, ToolResult } from '../shared/tools';
import { isUndecodable } from '../shared/undecodable';

/** The attempt of the running activity; 1 outside an activity (unit tests). */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** The same failure, with the attempt it ended in added to its details (a model's Retry-After stays its next-retry delay). */
function withAttempt(err: unknown, attempt: number): ApplicationFailure {
  if (err instanceof ApplicationFailure) {
    const [first, ...rest] = (err.details ?? []) as unknown[];
    const detail = first && typeof first === 'object' ? { ...(first as object), attempt } : { attempt };
    return ApplicationFailure.create({
      message: err.message,
      type: err.type ?? undefined,
      nonRetryable: err.nonRetryable ?? undefined,
      details: [detail, ...rest],
      nextRetryDelay: err.nextRetryDelay ?? undefined,
      category: err.category ?? undefined,
    });
  }
  const error = err instanceof Error ? err : new Error(String(err));
  return ApplicationFailure.create({ message: error.message, type: error.name, details: [{ attempt }] });
}

/** A tool's implementation as the activity the worker registers under the tool's name. */
export interface ToolImplementation<T extends AnyTool = AnyTool> {
  tool: T;
  activity: (input: InputOf<T>) => Promise<OutputOf<T> & { attempt: number }>;
}

/** Implements a tool: its input and output are checked against its contract on every attempt. */
export function implementTool<T extends AnyTool>(
  tool: T,
  implementation: (input: InputOf<T>) => Promise<OutputOf<T>>,
): ToolImplementation<T> {
  const { name } = tool;
  const activity = async (input: InputOf<T>) => {
    const attempt = currentAttempt();
    try {
      if (isUndecodable(input)) {
        // A key this worker lacks: another worker may hold it, so the attempt is retried. Junk is bad input for good.
        if (input.missingKey !== null) throw ApplicationFailure.retryable(`${name}: ${input.reason}`, 'PayloadKeyError');
        throw ApplicationFailure.nonRetryable(
          `${name}: invalid input: it could not be decoded: ${input.reason}`,
          NON_RETRYABLE.invalidInput,
        );
      }
      const parsedInput = tool.input.safeParse(input);
      if (!parsedInput.success) {
        throw ApplicationFailure.nonRetryable(`${name}: invalid input: ${describeZodError(parsedInput.error)}`, NON_RETRYABLE.invalidInput);
      }
      const run = () => implementation(parsedInput.data as InputOf<T>);
      const output = tool.heartbeatTimeoutMs ? await whileHeartbeating(run) : await run();
      const parsedOutput = tool.output.safeParse(output);
      if (!parsedOutput.success) {
        // Retryable on purpose: a model may answer well on the next attempt.
        throw ApplicationFailure.retryable(`${name}: invalid output: ${describeZodError(parsedOutput.error)}`, INVALID_OUTPUT);
      }
      return { ...(parsedOutput.data as Record<string, unknown>), attempt } as OutputOf<T> & { attempt: number };
    } catch (err) {
      // A cancellation stays a cancellation; every failure carries its attempt.
      if (err instanceof CancelledFailure) throw err;
      throw withAttempt(err, attempt);
    }
  };
  return { tool, activity };
}

/** The error type of an output that fails its tool's contract. */
export const INVALID_OUTPUT = 'InvalidToolOutput';

/** A built-in tool's activity, by name. */
export function defineToolActivity<N extends ToolName>(
  name: N,
  implementation: (input: ToolInput<N>) => Promise<ToolOutput<N>>,
): (input: ToolInput<N>) => Promise<ToolResult<N>> {
  return implementTool(TOOLS[name], implementation as never).activity as never;
}
