/**
 * Where a read command finds its run: live through Temporal (an id, or `--latest`), or in an export
 * folder (`--from DIR`, no Temporal server at all). Exactly one of the three.
 */
import type { RunState } from '../../shared/run';
import type { RunSnapshot } from '../../shared/run-snapshot';
import { readExport } from '../api/run-export';
import { existingRun, readSnapshot, readState } from '../api/runs';
import { HarnessError } from '../api/harness-error';
import { withClient } from '../api/with-client';
import { runIdFrom } from './run-id';

export type RunRef = { id: string } | { from: string; id?: string; latest?: boolean };

export interface ReadOptions {
  latest?: boolean;
  from?: string;
}

/** `--runs-dir` is the seed's name for a folder of runs: here, a folder of exports, as `--from`. */
export async function runRefFrom(id: string | undefined, options: ReadOptions & { runsDir?: string }): Promise<RunRef> {
  const from = options.from ?? options.runsDir;
  if (options.from !== undefined && options.runsDir !== undefined) throw new HarnessError('give --from or --runs-dir, not both');
  if (from === undefined) return { id: await runIdFrom(id, options.latest) };
  if (id && options.latest) throw new HarnessError('give a run id or --latest, not both');
  return { from, id, latest: options.latest };
}

/** The run's state; `live` says it came from Temporal (what an approval can then be pinned to). */
export async function stateOf(ref: RunRef): Promise<{ state: RunState; live: boolean }> {
  if ('from' in ref) return { state: (await readExport(ref.from, ref)).state, live: false };
  return { state: await withClient(async (h) => readState(h, await existingRun(h, ref.id))), live: true };
}

export async function snapshotOf(ref: RunRef): Promise<{ snapshot: RunSnapshot; live: boolean }> {
  if ('from' in ref) return { snapshot: await readExport(ref.from, ref), live: false };
  return { snapshot: await withClient(async (h) => readSnapshot(h, await existingRun(h, ref.id))), live: true };
}
