/** Where the prebuilt workflow bundle lives, so workers load it instead of bundling at every start. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { REPO_ROOT } from '../paths';

export const WORKFLOW_BUNDLE_PATH = path.join(REPO_ROOT, 'dist', 'workflow-bundle.js');

export function workflowCodeOptions(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (existsSync(WORKFLOW_BUNDLE_PATH)) return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  // Fallback for a tree that was never built: bundle on the fly (slower start).
  return { workflowsPath: require.resolve('../workflows') };
}
