/** Creates a harness worker on a task queue: the research workflow plus one activity per tool. */
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import v8 from 'node:v8';
import { forWorkflowCode } from '../codec/data-converter';
import type { HarnessEnv } from '../config/env';
import type { HarnessActivities } from '../shared/tools';
import { toolAttempts } from '../telemetry/tool-attempts';
import type { Tracing } from '../telemetry/tracing';
import { idleSnapshotSink } from './snapshot-sink';
import { userWorkflowCode, workflowCodeOptions } from './workflow-bundle';

export interface HarnessWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: HarnessActivities | Record<string, (input: never) => Promise<unknown>>;
  /** A user's workflows module (bundled at start); absent: the harness's prebuilt workflows. */
  workflowsPath?: string;
  /** Defaults to the SDK's own SIGINT/SIGTERM handling; in-process hosts (tests, demo) pass []. */
  shutdownSignals?: NodeJS.Signals[];
  tuning?: WorkerTuning;
  /** The process's tracing, when OpenTelemetry is configured: the traced bundle, interceptors and span sink. */
  tracing?: Tracing | null;
  /** The payload codec (harnessDataConverter): encrypts what this worker writes, decrypts what it reads. */
  dataConverter?: DataConverter;
}

export interface WorkerTuning {
  /** Short, so a run whose worker died resumes on another within seconds (SDK default: 10 s). */
  stickyQueueTimeoutMs?: number;
  maxCachedWorkflows?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Heap ceiling of the workflow thread, in MB (a process-wide V8 flag, read when the thread starts). */
  workflowHeapMb?: number;
}

export const DEFAULT_STICKY_QUEUE_TIMEOUT_MS = 3_000;

export function tuningFromEnv(env: HarnessEnv): WorkerTuning {
  return {
    stickyQueueTimeoutMs: env.HARNESS_STICKY_QUEUE_TIMEOUT_MS,
    maxCachedWorkflows: env.HARNESS_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: env.HARNESS_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: env.HARNESS_MAX_CONCURRENT_WORKFLOW_TASKS,
    workflowHeapMb: env.HARNESS_WORKFLOW_HEAP_MB,
  };
}

/**
 * Without a ceiling V8 sizes a heap from the machine's memory (4 GB here) and collects late, so a
 * worker parking thousands of runs grew past 1.5 GB of RSS mostly in garbage. The flag is
 * process-wide but only read by isolates created after it: the workflow thread Worker.create starts.
 */
export function limitWorkflowHeap(mb: number | undefined): void {
  if (mb) v8.setFlagsFromString(`--max-old-space-size=${mb}`);
}

/** The Worker.create options a tuning sets (unset ones keep the SDK's defaults). */
export function workerTuningOptions(tuning: WorkerTuning = {}) {
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    stickyQueueScheduleToStartTimeout: tuning.stickyQueueTimeoutMs ?? DEFAULT_STICKY_QUEUE_TIMEOUT_MS,
    ...defined({
      maxCachedWorkflows: tuning.maxCachedWorkflows,
      maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
      maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions,
    }),
  };
}

export function createHarnessWorker(options: HarnessWorkerOptions): Promise<Worker> {
  limitWorkflowHeap(options.tuning?.workflowHeapMb);
  const { tracing } = options;
  const code = options.workflowsPath ? userWorkflowCode(options.workflowsPath, Boolean(tracing)) : workflowCodeOptions(Boolean(tracing));
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...code,
    interceptors: {
      ...code.interceptors,
      activity: [...(tracing?.activityInterceptors ?? []), toolAttempts],
      ...(tracing ? { client: { workflow: tracing.clientInterceptors } } : {}),
    },
    sinks: { ...idleSnapshotSink, ...tracing?.workflowSinks },
    // Always the tolerant converter: the bundle was built with it, and activities must read alike.
    dataConverter: forWorkflowCode(options.dataConverter),
    ...workerTuningOptions(options.tuning),
    ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
  });
}
