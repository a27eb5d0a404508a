/** `harness setup`: finds or builds the Temporal CLI and tctl, so later commands start at once. */
import { HarnessError } from '../../api/harness-error';
import { ensureGoTool, TCTL, TEMPORAL_CLI } from '../../../toolchain/go-tools';

export async function setupCommand(): Promise<void> {
  for (const tool of [TEMPORAL_CLI, TCTL]) {
    const binary = await ensureGoTool(tool);
    if (!binary) {
      throw new HarnessError(`no ${tool.name} and no Go toolchain: install Go or set ${tool.envVar}`);
    }
    process.stdout.write(`${tool.name}: ${binary}\n`);
  }
}
