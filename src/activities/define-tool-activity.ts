/** Wraps a tool implementation so its input and output are checked against the tool's contract. */
import { ApplicationFailure } from '@temporalio/activity';
import { whileHeartbeating } from './heartbeat';
import { describeZodError, NON_RETRYABLE, TOOLS, ToolInput, ToolName, ToolOutput } from '../shared/tools';

export function defineToolActivity<N extends ToolName>(
  name: N,
  implementation: (input: ToolInput<N>) => Promise<ToolOutput<N>>,
): (input: ToolInput<N>) => Promise<ToolOutput<N>> {
  const tool = TOOLS[name];
  return async (input) => {
    const parsedInput = tool.input.safeParse(input);
    if (!parsedInput.success) {
      throw ApplicationFailure.nonRetryable(`${name}: invalid input: ${describeZodError(parsedInput.error)}`, NON_RETRYABLE.invalidInput);
    }
    const run = () => implementation(parsedInput.data as ToolInput<N>);
    const output = tool.heartbeatTimeoutMs ? await whileHeartbeating(run) : await run();
    const parsedOutput = tool.output.safeParse(output);
    if (!parsedOutput.success) {
      // Retryable on purpose: a model may answer well on the next attempt.
      throw ApplicationFailure.retryable(`${name}: invalid output: ${describeZodError(parsedOutput.error)}`, 'InvalidToolOutput');
    }
    return parsedOutput.data as ToolOutput<N>;
  };
}
