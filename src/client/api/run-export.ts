/**
 * A run exported to files in the seed harness's layout, `<dir>/<run id>/`: state.json (the whole
 * snapshot, which every read command can load back), trace.json, summary.json, trace_summary.json and
 * memory.json, and handoffs.json for a multi-role run. By default it lands in the output root beside
 * the run's report, as in the seed. Each file goes through the one safe writer (whole or not at all,
 * never through a symbolic link), state.json last. An export read back is untrusted input: its run
 * id must be a safe folder name, and only regular files are read.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileRefusedError } from '../../files/file-refused';
import { parseJsonText, readRegularFile } from '../../files/read-regular-file';
import { writeFileInside } from '../../files/write-file-inside';
import { RUN_ID_PATTERN } from '../../shared/constants';
import { RunSnapshot, StoredSnapshot } from '../../shared/run-snapshot';
import { describeZodError } from '../../shared/tool-contract';
import { runHandoffs } from '../views/handoffs';
import { runMemory } from '../views/memory';
import { runSummary } from '../views/summary';
import { traceSummary } from '../views/trace-summary';
import { HarnessError } from './harness-error';
import { fromSeedState, looksLikeSeedState, SeedState } from './seed-run';
import type { z } from 'zod';

export const EXPORT_FORMAT = 'durable-harness/export@1';
export const STATE_FILE = 'state.json';

/** The files of one export and what each holds, in the seed's names. */
export function exportFiles(snapshot: RunSnapshot, exportedAt: string, reportHere: boolean | null = null): Record<string, unknown> {
  return {
    [STATE_FILE]: { format: EXPORT_FORMAT, exportedAt, ...snapshot },
    'trace.json': snapshot.state.trace,
    'summary.json': runSummary(snapshot),
    'trace_summary.json': traceSummary(snapshot, reportHere),
    'memory.json': runMemory(snapshot),
    // As in the seed: only a multi-role run has handoffs to keep.
    ...(snapshot.state.roles ? { 'handoffs.json': runHandoffs(snapshot) } : {}),
  };
}

/** An export's largest file: a snapshot holds up to 200 sources of 200,000 characters, a draft and a trace. */
const MAX_STATE_BYTES = 256 * 1024 * 1024;

/**
 * Writes the export under `dir` in `<run id>/`; `reportHere` is what trace_summary.json says of the
 * report (verified on this machine, report-file.ts). The folder name is the run id, checked like
 * every id the harness starts a run with: nothing in a snapshot chooses where files land.
 */
export async function writeExport(snapshot: RunSnapshot, dir: string, reportHere: boolean | null = null): Promise<string> {
  const runId = snapshot.state.runId;
  if (!RUN_ID_PATTERN.test(runId))
    throw new HarnessError(`refusing to export: run id ${JSON.stringify(runId.slice(0, 140))} is not a safe folder name`);
  // state.json goes last: a folder that has it has every other file of the same export.
  const files = Object.entries(exportFiles(snapshot, new Date().toISOString(), reportHere)).reverse();
  try {
    for (const [name, value] of files) await writeFileInside(dir, path.join(runId, name), `${JSON.stringify(value, null, 2)}\n`);
  } catch (err) {
    const why = err instanceof FileRefusedError ? err.message : err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new HarnessError(`could not write the export of ${runId} under ${path.resolve(dir)}: ${why}`);
  }
  return path.resolve(dir, runId);
}

/** Which export of a folder: the one named, the newest (as the seed's --latest over its runs folder), or the only one. */
export interface ExportChoice {
  id?: string;
  latest?: boolean;
}

/**
 * An export read back from `dir`: the folder itself when it holds state.json; else, like the seed's
 * `--runs-dir`, a folder of exports: `dir/<id>`, the newest, or the only one. A run folder the seed
 * harness itself wrote reads the same way.
 */
export async function readExport(dir: string, choice: ExportChoice = {}): Promise<RunSnapshot> {
  const file = await stateFileIn(path.resolve(dir), choice);
  let raw: unknown;
  try {
    // Inside a folder someone else may have made: a link there is not followed, a FIFO never opened for a blocking read.
    raw = parseJsonText((await readRegularFile(file, { what: 'export', maxBytes: MAX_STATE_BYTES, followLink: false })).text, file);
  } catch (err) {
    throw new HarnessError(err instanceof FileRefusedError ? err.message : `${file}: cannot be read`);
  }
  if (looksLikeSeedState(raw)) return seedSnapshot(raw, file);
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== EXPORT_FORMAT)
    throw new HarnessError(`${file}: not a harness export (format ${JSON.stringify(format)}, expected "${EXPORT_FORMAT}")`);
  const parsed = StoredSnapshot.safeParse(raw);
  if (!parsed.success) throw new HarnessError(`${file}: not a harness export: ${firstIssues(parsed.error)}`);
  const { format: _format, exportedAt: _at, ...snapshot } = parsed.data;
  return snapshot as unknown as RunSnapshot;
}

/** A run folder the seed harness wrote (`.runs/<id>/state.json`), read as ours. */
function seedSnapshot(raw: unknown, file: string): RunSnapshot {
  const parsed = SeedState.safeParse(raw);
  if (!parsed.success) throw new HarnessError(`${file}: not a whole seed harness run: ${firstIssues(parsed.error)}`);
  return fromSeedState(parsed.data);
}

function firstIssues(error: z.ZodError): string {
  const issues = error.issues;
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return `${describeZodError({ ...error, issues: issues.slice(0, 3) } as z.ZodError)}${more}`;
}

/** One row of a folder of runs: what `harness list --runs-dir` shows, or why a folder could not be read. */
export type ExportRow = { runId: string; status: string; startTime: string | null; topic: string } | { runId: string; unreadable: string };

/** Every run folder under `dir` (ours or the seed's), by name, as the seed's `list --runs-dir` shows them. */
export async function listExports(dir: string): Promise<ExportRow[]> {
  const root = path.resolve(dir);
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => {
    throw new HarnessError(`${root}: no such folder`);
  });
  const names = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && RUN_ID_PATTERN.test(e.name)).map((e) => e.name);
  const rows: ExportRow[] = [];
  for (const name of names.sort()) {
    try {
      const { state } = await readExport(root, { id: name });
      rows.push({ runId: state.runId, status: state.status, startTime: state.trace[0]?.at ?? null, topic: state.topic });
    } catch (err) {
      rows.push({ runId: name, unreadable: (err as Error).message });
    }
  }
  return rows;
}

async function stateFileIn(dir: string, { id, latest }: ExportChoice): Promise<string> {
  if (id !== undefined) {
    if (!RUN_ID_PATTERN.test(id))
      throw new HarnessError(`invalid run id ${JSON.stringify(id.slice(0, 140))}: use letters, digits, ".", "_" and "-"`);
    const named = path.join(dir, id, STATE_FILE);
    if (await exists(named)) return named;
    throw new HarnessError(`no export of run ${id} in ${dir}`);
  }
  const direct = path.join(dir, STATE_FILE);
  if (!latest && (await exists(direct))) return direct;
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => {
    throw new HarnessError(`${dir}: no such folder`);
  });
  const runs: { file: string; mtimeMs: number }[] = [];
  for (const e of entries) {
    const file = path.join(dir, e.name, STATE_FILE);
    if (e.isDirectory() && !e.name.startsWith('.')) {
      const stat = await fs.stat(file).catch(() => null);
      if (stat) runs.push({ file, mtimeMs: stat.mtimeMs });
    }
  }
  if (!runs.length) throw new HarnessError(`${dir}: no ${STATE_FILE} here: give the folder \`harness export\` wrote`);
  if (latest) return runs.reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a)).file;
  if (runs.length === 1) return runs[0].file;
  const names = runs.map((r) => path.basename(path.dirname(r.file)));
  throw new HarnessError(
    `${dir} holds ${runs.length} exports (${names.slice(0, 5).join(', ')}${runs.length > 5 ? ', …' : ''}): give a run id or --latest`,
  );
}

const exists = (file: string) =>
  fs.stat(file).then(
    () => true,
    () => false,
  );
