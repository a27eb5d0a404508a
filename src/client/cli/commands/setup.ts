/**
 * `harness setup [--browser]`: finds or builds the Temporal CLI and tctl (and with --browser,
 * Chromium for the Temporal Web tests), so later commands and `npm test` start at once.
 */
import { ensureChromium } from '../../../toolchain/chromium';
import { ensureGoTool, TCTL, TEMPORAL_CLI } from '../../../toolchain/go-tools';
import { HarnessError } from '../../api/harness-error';
import { say, warn } from '../terminal';

const log = (line: string) => warn(`${line}\n`);

export async function setupCommand(options: { browser?: boolean } = {}): Promise<void> {
  for (const tool of [TEMPORAL_CLI, TCTL]) {
    const binary = await ensureGoTool(tool, log).catch((err: Error) => {
      throw new HarnessError(err.message.split('\n')[0]);
    });
    if (!binary) {
      throw new HarnessError(
        `no ${tool.name} and no Go toolchain: install Go (https://go.dev/dl) or set ${tool.envVar} to a ${tool.name} binary`,
      );
    }
    say(`${tool.name}: ${binary}\n`);
  }
  if (!options.browser) return;
  const chromium = await ensureChromium(log).catch((err: Error) => {
    throw new HarnessError(err.message);
  });
  say(`chromium: ${chromium}\n`);
}
