/**
 * `harness setup [--browser] [--observability]`: finds or builds the Temporal CLI and tctl; with
 * --browser, Chromium for the Temporal Web tests; with --observability, Jaeger (built with Go) and
 * Prometheus with promtool (Debian); with --cluster, the Temporal server, its SQL tool and the Web
 * UI server (Go) and docker-compose (Debian, to validate the compose file); so later commands and
 * the tests start at once.
 */
import { CHROMIUM, DOCKER_COMPOSE, ensureDebianTool, PROMETHEUS, PROMTOOL, type DebianTool } from '../../../toolchain/debian-tools';
import {
  ensureGoTool,
  GoTool,
  JAEGER,
  TCTL,
  TEMPORAL_CLI,
  TEMPORAL_SERVER,
  TEMPORAL_SQL_TOOL,
  TEMPORAL_UI_SERVER,
} from '../../../toolchain/go-tools';
import { HarnessError } from '../../api/harness-error';
import { say, warn } from '../terminal';

const log = (line: string) => warn(`${line}\n`);

async function goTool(tool: GoTool): Promise<void> {
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

async function debianTool(tool: DebianTool): Promise<void> {
  const binary = await ensureDebianTool(tool, log).catch((err: Error) => {
    throw new HarnessError(err.message);
  });
  say(`${tool.label}: ${binary}\n`);
}

export async function setupCommand(options: { browser?: boolean; observability?: boolean; cluster?: boolean } = {}): Promise<void> {
  for (const tool of [TEMPORAL_CLI, TCTL]) await goTool(tool);
  if (options.browser) await debianTool(CHROMIUM);
  if (options.cluster) {
    for (const tool of [TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER]) await goTool(tool);
    await debianTool(DOCKER_COMPOSE);
  }
  if (!options.observability) return;
  await goTool(JAEGER);
  for (const tool of [PROMETHEUS, PROMTOOL]) await debianTool(tool);
}
