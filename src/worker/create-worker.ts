/** Creates a harness worker on a task queue: the research workflow plus one activity per tool. */
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ToolActivities } from '../shared/tools';
import { workflowCodeOptions } from './workflow-bundle';

export interface HarnessWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ToolActivities;
  /** Defaults to the SDK's own SIGINT/SIGTERM handling; in-process hosts (tests, demo) pass []. */
  shutdownSignals?: NodeJS.Signals[];
}

export function createHarnessWorker(options: HarnessWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...workflowCodeOptions(),
    ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
  });
}
