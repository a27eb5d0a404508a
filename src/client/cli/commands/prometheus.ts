/**
 * `harness prometheus` (`npm run prometheus`): Debian's Prometheus on loopback in the foreground,
 * scraping the worker at HARNESS_METRICS_ADDRESS (or --target) with the shipped alert rules.
 */
import { readEnv } from '../../../config/env';
import { DEFAULT_METRICS_ADDRESS, DEFAULT_PROMETHEUS_PORT, startPrometheus } from '../../../observability/prometheus';
import { HarnessError } from '../../api/harness-error';
import { say } from '../terminal';

export async function prometheusCommand(options: { target?: string[]; port?: number }): Promise<void> {
  const targets = options.target?.length ? options.target : [readEnv().HARNESS_METRICS_ADDRESS ?? DEFAULT_METRICS_ADDRESS];
  const prometheus = await startPrometheus({ port: options.port ?? DEFAULT_PROMETHEUS_PORT, targets }).catch((err: Error) => {
    throw new HarnessError(err.message);
  });
  say(
    `Prometheus: ${prometheus.url} (alerts at ${prometheus.url}/alerts), scraping ${targets.join(', ')}\n` +
      `Start workers with HARNESS_METRICS_ADDRESS=${targets[0]}. Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await prometheus.stop();
}
