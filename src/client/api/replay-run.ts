/**
 * A closed run's snapshot without any worker: the client replays the run's history through the
 * workflow bundle and keeps what the workflow hands to its replay sink. Temporal kept everything the
 * run did; replaying it rebuilds the state exactly as the run last had it.
 */
import type { DataConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { RunSnapshot } from '../../shared/run-snapshot';
import { forWorkflowCode, harnessDataConverter } from '../../codec/data-converter';
import { EncryptionCodec, encryptionKeyIds } from '../../codec/encryption-codec';
import path from 'node:path';
import { IMPORTED_RUN_WORKFLOW_TYPE, ROLE_WORKFLOW_TYPES, TOOL_CALL_WORKFLOW_TYPE, WORKFLOW_TYPE } from '../../shared/constants';
import { HarnessError } from './harness-error';

let quietRuntime = false;

/**
 * The worker SDK loads only when a closed run is read: every other command starts faster without it.
 * Its runtime logs to the console by default; a CLI read command prints only what it was asked for.
 */
async function replayer() {
  const [{ Runtime, Worker }, { capturingSnapshotSink }, { workflowCodeOptions, userWorkflowCode }] = await Promise.all([
    import('@temporalio/worker'),
    import('../../worker/snapshot-sink'),
    import('../../worker/workflow-bundle'),
  ]);
  if (!quietRuntime) installQuiet(Runtime);
  return { Worker, capturingSnapshotSink, workflowCodeOptions, userWorkflowCode };
}

function installQuiet(Runtime: typeof import('@temporalio/worker').Runtime): void {
  quietRuntime = true;
  try {
    Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  } catch {
    // Already installed by this process (a worker, a test): keep that one.
  }
}

/** The workflow types the harness's own bundle holds; any other is a user's, replayed with their workflows module. */
const HARNESS_WORKFLOW_TYPES: string[] = [
  WORKFLOW_TYPE,
  TOOL_CALL_WORKFLOW_TYPE,
  IMPORTED_RUN_WORKFLOW_TYPE,
  ...Object.values(ROLE_WORKFLOW_TYPES),
];

/**
 * One replay at a time in a process. The SDK's runtime shuts itself down when its last replay
 * worker is released; a second replay starting in that moment got a handle to the runtime being
 * shut down ("failed to downcast any to … Runtime"), which a long-lived front end (`harness ui`)
 * reading two closed runs at once met.
 */
let replaying: Promise<unknown> = Promise.resolve();

export function replaySnapshot(...args: Parameters<typeof replayOne>): Promise<RunSnapshot> {
  const next = replaying.then(
    () => replayOne(...args),
    () => replayOne(...args),
  );
  replaying = next.catch(() => undefined);
  return next;
}

async function replayOne(
  workflowId: string,
  history: temporal.api.history.v1.IHistory,
  dataConverter?: DataConverter,
  /** The user's workflows module (HARNESS_WORKFLOWS), for a run of a workflow of theirs. */
  workflowsPath?: string,
): Promise<RunSnapshot> {
  const { Worker, capturingSnapshotSink, workflowCodeOptions, userWorkflowCode } = await replayer();
  const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
  const own = HARNESS_WORKFLOW_TYPES.includes(type);
  if (!own && !workflowsPath)
    throw new HarnessError(
      `run ${workflowId} is a ${type} workflow and has closed: set HARNESS_WORKFLOWS to its workflows module to read it`,
    );
  const capture = capturingSnapshotSink();
  const converter = dataConverter ?? harnessDataConverter({});
  // Said before replaying: inside the replay a missing key surfaces as a task failure several layers deep.
  for (const codec of converter.payloadCodecs ?? []) {
    if (!(codec instanceof EncryptionCodec)) continue;
    // Payloads from outside (signals, updates) are not asked for: the run refused what it could not read.
    for (const id of encryptionKeyIds(history, { inbound: false })) {
      const missing = codec.missingKey(id);
      if (missing) throw new HarnessError(`cannot read run ${workflowId}: ${missing.message}`);
    }
  }
  try {
    await Worker.runReplayHistory(
      {
        ...(own ? workflowCodeOptions() : userWorkflowCode(path.resolve(workflowsPath!))),
        sinks: capture.sinks,
        dataConverter: forWorkflowCode(converter),
      },
      history,
      workflowId,
    );
  } catch (err) {
    throw new HarnessError(
      `could not rebuild run ${workflowId} from its history (${err instanceof Error ? err.message.split('\n')[0] : err}): a worker of the version that ran it can still answer`,
    );
  }
  const snapshot = capture.last();
  if (!snapshot) throw new HarnessError(`run ${workflowId} recorded nothing before it closed`);
  return snapshot;
}
