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
import { HarnessError } from './harness-error';

let quietRuntime = false;

/**
 * The worker SDK loads only when a closed run is read: every other command starts faster without it.
 * Its runtime logs to the console by default; a CLI read command prints only what it was asked for.
 */
async function replayer() {
  const [{ Runtime, Worker }, { capturingSnapshotSink }, { workflowCodeOptions }] = await Promise.all([
    import('@temporalio/worker'),
    import('../../worker/snapshot-sink'),
    import('../../worker/workflow-bundle'),
  ]);
  if (!quietRuntime) installQuiet(Runtime);
  return { Worker, capturingSnapshotSink, workflowCodeOptions };
}

function installQuiet(Runtime: typeof import('@temporalio/worker').Runtime): void {
  quietRuntime = true;
  try {
    Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  } catch {
    // Already installed by this process (a worker, a test): keep that one.
  }
}

export async function replaySnapshot(
  workflowId: string,
  history: temporal.api.history.v1.IHistory,
  dataConverter?: DataConverter,
): Promise<RunSnapshot> {
  const { Worker, capturingSnapshotSink, workflowCodeOptions } = await replayer();
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
      { ...workflowCodeOptions(), sinks: capture.sinks, dataConverter: forWorkflowCode(converter) },
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
