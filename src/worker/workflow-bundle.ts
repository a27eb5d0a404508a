/** Where the prebuilt workflow bundle lives, so workers load it instead of bundling at every start. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { REPO_ROOT } from '../paths';

export const WORKFLOW_BUNDLE_PATH = path.join(REPO_ROOT, 'dist', 'workflow-bundle.js');
/** The same workflows with the OpenTelemetry interceptors: loaded only by a worker that traces. */
export const TRACED_WORKFLOW_BUNDLE_PATH = path.join(REPO_ROOT, 'dist', 'workflow-bundle-traced.js');
export const TRACING_INTERCEPTORS_MODULE = require.resolve('../workflows/observers/tracing-interceptors');

type WorkflowCode = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'interceptors'>;

export function workflowCodeOptions(traced = false): WorkflowCode {
  const bundle = traced ? TRACED_WORKFLOW_BUNDLE_PATH : WORKFLOW_BUNDLE_PATH;
  if (existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  // Fallback for a tree that was never built: bundle on the fly (slower start).
  return {
    workflowsPath: require.resolve('../workflows'),
    ...(traced ? { interceptors: { workflowModules: [TRACING_INTERCEPTORS_MODULE] } } : {}),
  };
}
