/**
 * Live run pages: one follower per run however many people watch it. It follows the run through
 * its `awaitEvents` update (followRun) while it moves; while it waits at a gate or a pause it sleeps
 * until the inbox feed says that run's gate moved, then follows again. It stops when the last
 * viewer leaves or the run ends.
 */
import type { HarnessClient } from '../api/connect';
import { followRun } from '../api/follow-run';
import { TERMINAL_STATUSES, RunState } from '../../shared/run';
import type { InboxFeed, InboxSnapshot } from './inbox-feed';

type Listener = (version: number) => void;

/** A run waiting at a pause (or a gate the feed does not see move) is read again this often, per run, not per viewer. */
const RECHECK_MS = 30_000;

const gateOf = (snapshot: InboxSnapshot, workflowId: string) => {
  const row = snapshot.rows.find((r) => r.workflowId === workflowId);
  return row ? `${row.gate?.gate}:${row.gate?.digest}` : null;
};

class RunWatch {
  version = 0;
  readonly listeners = new Set<Listener>();
  private readonly aborted = new AbortController();
  private get stopped(): boolean {
    return this.aborted.signal.aborted;
  }
  private wake: (() => void) | null = null;

  constructor(
    private readonly h: HarnessClient,
    private readonly feed: InboxFeed,
    private readonly workflowId: string,
  ) {}

  start(): void {
    void this.loop().catch(() => undefined);
  }

  stop(): void {
    this.aborted.abort();
    this.wake?.();
  }

  private bump(): void {
    this.version += 1;
    for (const listener of this.listeners) listener(this.version);
  }

  private async loop(): Promise<void> {
    const run = this.h.client.workflow.getHandle(this.workflowId);
    while (!this.stopped) {
      let last: RunState | null = null;
      for await (const update of followRun(this.h, run, undefined, this.aborted.signal)) {
        if (this.stopped) return;
        if (update.kind === 'state') last = update.state;
        this.bump();
      }
      if (!last || TERMINAL_STATUSES.includes(last.status)) return;
      await this.gateMoves(last);
    }
  }

  /**
   * Resolves when the inbox feed shows this run's gate other than the run last showed (decided,
   * replaced, gone), when the watch stops, or after RECHECK_MS: a pause is decided outside the inbox.
   */
  private gateMoves(last: RunState): Promise<void> {
    const pending = last.pendingAction;
    const at = pending ? `${pending.gate}:${pending.digest}` : null;
    return new Promise((resolve) => {
      const done = () => {
        unsubscribe();
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const unsubscribe = this.feed.subscribe((snapshot) => gateOf(snapshot, this.workflowId) !== at && done());
      const timer = setTimeout(done, RECHECK_MS);
      this.wake = done;
      if (this.stopped || gateOf(this.feed.current(), this.workflowId) !== at) done();
    });
  }
}

export class RunWatches {
  private watches = new Map<string, RunWatch>();

  constructor(
    private readonly h: HarnessClient,
    private readonly feed: InboxFeed,
  ) {}

  /** Calls `listener` with a new version each time the run moves; returns the unsubscribe. */
  subscribe(workflowId: string, listener: Listener): () => void {
    let watch = this.watches.get(workflowId);
    if (!watch) {
      watch = new RunWatch(this.h, this.feed, workflowId);
      this.watches.set(workflowId, watch);
      watch.start();
    }
    const own = watch;
    own.listeners.add(listener);
    return () => {
      own.listeners.delete(listener);
      if (own.listeners.size === 0) {
        own.stop();
        this.watches.delete(workflowId);
      }
    };
  }

  stopAll(): void {
    for (const watch of this.watches.values()) watch.stop();
    this.watches.clear();
  }
}
