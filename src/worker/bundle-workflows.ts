/** Build step: bundles the workflow code once into dist/workflow-bundle.js. */
import { bundleWorkflowCode } from '@temporalio/worker';
import { promises as fs } from 'node:fs';
import { WORKFLOW_BUNDLE_PATH } from './workflow-bundle';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  const temp = `${WORKFLOW_BUNDLE_PATH}.tmp`;
  await fs.writeFile(temp, code);
  await fs.rename(temp, WORKFLOW_BUNDLE_PATH);
  console.log(`workflow bundle: ${WORKFLOW_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err) => {
  console.error(`bundle failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
