/** `harness setup`: finds or builds the Temporal CLI, so later commands start at once. */
import { CliError } from '../cli-error';
import { ensureGoTool, TEMPORAL_CLI } from '../../server/go-tools';

export async function setupCommand(): Promise<void> {
  const binary = await ensureGoTool(TEMPORAL_CLI);
  if (!binary) {
    throw new CliError(
      'no Temporal CLI and no Go toolchain: install Go or set TEMPORAL_CLI; servers will fall back to @temporalio/testing',
    );
  }
  process.stdout.write(`temporal: ${binary}\n`);
}
