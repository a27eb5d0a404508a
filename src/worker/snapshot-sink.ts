/**
 * The workflow hands its snapshot to the `runSnapshot` sink only while it replays (see
 * shared/run-snapshot.ts). A worker that replays after evicting a run must know the sink or it logs an
 * error per call; registered without `callDuringReplay`, the SDK never invokes it there.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { RunSnapshot, SnapshotSinks } from '../shared/run-snapshot';

export const idleSnapshotSink: InjectedSinks<SnapshotSinks> = { runSnapshot: { replayed: { fn() {} } } };

/** A sink that keeps the last snapshot a replay hands over. */
export function capturingSnapshotSink(): { sinks: InjectedSinks<SnapshotSinks>; last(): RunSnapshot | undefined } {
  let last: RunSnapshot | undefined;
  return {
    sinks: { runSnapshot: { replayed: { fn: (_info, snapshot) => void (last = snapshot), callDuringReplay: true } } },
    last: () => last,
  };
}
