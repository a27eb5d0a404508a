/**
 * What this user last read of each run's pending action: `pending` and `status` record the digest
 * they showed, and `approve` pins the approval to it. An approval is for what the approver read,
 * never for whatever is pending when the command happens to run (an edit may have replaced it).
 * Kept per user under $XDG_STATE_HOME (default ~/.local/state), bounded, written atomically.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEnv } from '../../config/env';
import { writeFileInside } from '../../files/write-file-inside';
import type { RunState } from '../../shared/run';

const MAX_ENTRIES = 1_000;

function stateFile(): string {
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'durable-harness', 'seen-digests.json');
}

const keyOf = (address: string, namespace: string, runId: string) => `${address}/${namespace}/${runId}`;

async function load(): Promise<Record<string, string>> {
  try {
    const parsed = JSON.parse(await fs.readFile(stateFile(), 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

export async function lastSeenDigest(address: string, namespace: string, runId: string): Promise<string | null> {
  const digest = (await load())[keyOf(address, namespace, runId)];
  return typeof digest === 'string' && /^[0-9a-f]{64}$/.test(digest) ? digest : null;
}

export async function recordSeenDigest(address: string, namespace: string, runId: string, digest: string): Promise<void> {
  const seen = await load();
  const key = keyOf(address, namespace, runId);
  delete seen[key];
  seen[key] = digest;
  const kept = Object.fromEntries(Object.entries(seen).slice(-MAX_ENTRIES));
  const file = stateFile();
  try {
    await writeFileInside(path.dirname(file), path.basename(file), JSON.stringify(kept), { mode: 0o600, folderMode: 0o700 });
  } catch {
    // Not being able to remember only means the next approve must name its --digest.
  }
}

/** What `status` and `pending` showed of a live run is what a later `approve` from this user is pinned to. */
export async function rememberShownDigest(state: RunState): Promise<void> {
  if (!state.pendingAction) return;
  const env = readEnv();
  await recordSeenDigest(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE, state.runId, state.pendingAction.digest);
}
