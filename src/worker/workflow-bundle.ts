/** Where the prebuilt workflow bundle lives, so workers load it instead of bundling at every start. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { REPO_ROOT } from '../paths';

export const WORKFLOW_BUNDLE_PATH = path.join(REPO_ROOT, 'dist', 'workflow-bundle.js');
/** The same workflows with the OpenTelemetry interceptors: loaded only by a worker that traces. */
export const TRACED_WORKFLOW_BUNDLE_PATH = path.join(REPO_ROOT, 'dist', 'workflow-bundle-traced.js');
export const TRACING_INTERCEPTORS_MODULE = require.resolve('../workflows/observers/tracing-interceptors');

type WorkflowCode = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'interceptors' | 'bundlerOptions'>;

/** Shared libraries evaluated once per workflow thread, not once per run (see workflows/preload.ts). */
export const PRELOAD_MODULE = require.resolve('../workflows/preload');

/**
 * A user's workflows module, bundled when the worker starts, like the harness's own (the payload
 * converter travels in the worker's data converter).
 */
export function userWorkflowCode(workflowsPath: string, traced = false): WorkflowCode {
  return {
    workflowsPath,
    bundlerOptions: { preloadModules: [PRELOAD_MODULE] },
    ...(traced ? { interceptors: { workflowModules: [TRACING_INTERCEPTORS_MODULE] } } : {}),
  };
}

export function workflowCodeOptions(traced = false): WorkflowCode {
  const bundle = traced ? TRACED_WORKFLOW_BUNDLE_PATH : WORKFLOW_BUNDLE_PATH;
  if (existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  // Fallback for a tree that was never built: bundle on the fly (slower start).
  return {
    workflowsPath: require.resolve('../workflows'),
    ...(traced ? { interceptors: { workflowModules: [TRACING_INTERCEPTORS_MODULE] } } : {}),
  };
}
