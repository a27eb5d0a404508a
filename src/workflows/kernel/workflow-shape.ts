/**
 * The run's command-sequence versions (`patched()`), decided in one place. Each patch a run sees
 * first costs a marker and a `TemporalChangeVersion` search-attribute upsert (a visibility write
 * on the server); a run started now needs all of them, so it records one patch that stands for
 * them all. Runs started before keep answering each patch from their own history, at the point
 * they always asked it.
 */
import { patched } from '@temporalio/workflow';

/** Patches a run may have been started without, oldest first. */
export type ShapePatch =
  'gate-memo' | 'server-retries' | 'local-tools' | 'checked-results' | 'worker-default-policy' | 'local-default-policy';

/** Implies every ShapePatch: new runs record only this one. */
export const CURRENT_SHAPE_PATCH = 'shape-2026-12-06';

/** The shape patches new runs recorded before, and the ShapePatches each implies. */
const EARLIER_SHAPE_PATCHES: { id: string; implies: ShapePatch[] }[] = [
  { id: 'shape-2026-11-26', implies: ['gate-memo', 'server-retries', 'local-tools'] },
  { id: 'shape-2026-12-04', implies: ['gate-memo', 'server-retries', 'local-tools', 'checked-results'] },
];

/** Came with a shape patch and was never asked alone: a run without that shape never has it. */
const SHAPE_ONLY: readonly ShapePatch[] = ['local-default-policy'];

export class WorkflowShape {
  private readonly current = patched(CURRENT_SHAPE_PATCH);
  // Asked at the same point as `current` was in those runs: their first task. A new run asks none of them.
  private readonly earlier = this.current ? [] : EARLIER_SHAPE_PATCHES.filter(({ id }) => patched(id));

  /** Whether this run has the behaviour that `patch` introduced. */
  has(patch: ShapePatch): boolean {
    if (this.current || this.earlier.some(({ implies }) => implies.includes(patch))) return true;
    return !SHAPE_ONLY.includes(patch) && patched(patch);
  }
}
