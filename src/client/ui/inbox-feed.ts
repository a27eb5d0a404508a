/**
 * The approvals page's one view of Temporal: every run waiting at a gate, read from visibility by a
 * single poll however many people have the page open. Viewers read the last snapshot and are told
 * when it changes (a run arrives, its gate moves to a new digest, it leaves the inbox); nobody's
 * page makes the server ask Temporal anything.
 */
import type { HarnessClient } from '../api/connect';
import { listRunPage, MAX_PAGE_SIZE, RunRow } from '../api/list-runs';

export interface InboxSnapshot {
  /** Increases whenever the waiting runs or their gates change. */
  version: number;
  /** Oldest gate first. */
  rows: RunRow[];
  readAt: string;
  /** Set when the last poll failed (Temporal unreachable): the page says so beside the last good rows. */
  error: string | null;
}

type Listener = (snapshot: InboxSnapshot) => void;

/** What a viewer would notice: which runs wait, at which digest, how many approvals they need. */
const fingerprint = (rows: RunRow[]) =>
  JSON.stringify(rows.map((r) => [r.workflowId, r.topic, r.gate?.digest, r.gate?.gate, r.gate?.minApprovals, r.gate?.expiresAt]));

export class InboxFeed {
  private snapshot: InboxSnapshot = { version: 0, rows: [], readAt: '', error: null };
  private seen = '';
  private listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly h: HarnessClient,
    private readonly pollMs: number,
  ) {}

  /** Polls until stop(); the first snapshot is read before this returns. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  current(): InboxSnapshot {
    return this.snapshot;
  }

  /** Called with each new snapshot; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads again now (after this server's own decision, so the deciding page moves at once). */
  refresh(): Promise<void> {
    return this.poll();
  }

  private poll(): Promise<void> {
    // One read at a time: a slow visibility answer never stacks polls.
    this.polling ??= this.read().finally(() => (this.polling = null));
    return this.polling;
  }

  private async read(): Promise<void> {
    let rows: RunRow[];
    try {
      rows = (await listRunPage(this.h, { status: 'waiting_approval', pageSize: MAX_PAGE_SIZE })).rows;
    } catch (err) {
      const error = `Temporal did not answer: ${(err as Error).message.split('\n')[0]}`;
      if (error !== this.snapshot.error) this.publish({ ...this.snapshot, version: this.snapshot.version + 1, error });
      return;
    }
    rows.sort((a, b) => (a.gate?.requestedAt ?? a.startTime).localeCompare(b.gate?.requestedAt ?? b.startTime));
    const print = fingerprint(rows);
    const readAt = new Date().toISOString();
    if (print === this.seen && this.snapshot.error === null) {
      this.snapshot = { ...this.snapshot, readAt };
      return;
    }
    this.seen = print;
    this.publish({ version: this.snapshot.version + 1, rows, readAt, error: null });
  }

  private publish(snapshot: InboxSnapshot): void {
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }
}
