/** Build step: bundles the workflow code once into dist/workflow-bundle.js. */
import { bundleWorkflowCode } from '@temporalio/worker';
import { promises as fs } from 'node:fs';
import { PRELOAD_MODULE, TRACED_WORKFLOW_BUNDLE_PATH, TRACING_INTERCEPTORS_MODULE, WORKFLOW_BUNDLE_PATH } from './workflow-bundle';

const INLINE_MAP = '//# sourceMappingURL=data:';

/**
 * The bundle keeps its inline source map (the SDK maps workflow stack traces through it) but not
 * the map's copy of every source file: two thirds of the map, held in memory by every worker
 * thread, and only read when a worker sets `showStackTraceSources`, which ours does not.
 */
function withoutSourcesContent(code: string): string {
  const at = code.lastIndexOf(INLINE_MAP);
  const data = code.indexOf('base64,', at);
  if (at < 0 || data < 0) throw new Error('the workflow bundle has no inline source map');
  const map = JSON.parse(Buffer.from(code.slice(data + 'base64,'.length).trimEnd(), 'base64').toString('utf8'));
  delete map.sourcesContent;
  return `${code.slice(0, data)}base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

async function writeBundle(file: string, workflowInterceptorModules: string[]): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules,
    // An undecodable signal or update becomes a value its handler refuses (shared/payload-converter.ts).
    payloadConverterPath: require.resolve('../shared/payload-converter'),
    // Shared libraries evaluated once per workflow thread, not once per run (see workflows/preload.ts).
    preloadModules: [PRELOAD_MODULE],
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  const temp = `${file}.tmp`;
  const bundle = withoutSourcesContent(code);
  await fs.writeFile(temp, bundle);
  await fs.rename(temp, file);
  console.log(`workflow bundle: ${file} (${Math.round(bundle.length / 1024)} KiB)`);
}

async function main(): Promise<void> {
  await writeBundle(WORKFLOW_BUNDLE_PATH, []);
  await writeBundle(TRACED_WORKFLOW_BUNDLE_PATH, [TRACING_INTERCEPTORS_MODULE]);
}

main().catch((err) => {
  console.error(`bundle failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
