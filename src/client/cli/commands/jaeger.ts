/** `harness jaeger` (`npm run jaeger`): Jaeger v2 on loopback in the foreground, until Ctrl-C. */
import { JAEGER_DEFAULT_PORTS, startJaeger } from '../../../observability/jaeger';
import { HarnessError } from '../../api/harness-error';
import { say } from '../terminal';

export async function jaegerCommand(): Promise<void> {
  const jaeger = await startJaeger(JAEGER_DEFAULT_PORTS).catch((err: Error) => {
    throw new HarnessError(err.message);
  });
  say(
    `Jaeger: UI and query API ${jaeger.uiUrl}, OTLP ${jaeger.otlpEndpoint} (HTTP) and 127.0.0.1:${JAEGER_DEFAULT_PORTS.otlpGrpc} (gRPC)\n` +
      `Trace the harness with: export OTEL_EXPORTER_OTLP_ENDPOINT=${jaeger.otlpEndpoint}\nCtrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await jaeger.stop();
}
