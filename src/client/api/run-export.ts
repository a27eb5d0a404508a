/**
 * A run exported to files in the seed harness's layout, `<dir>/<run id>/`: state.json (the whole
 * snapshot, which every read command can load back), trace.json, summary.json, trace_summary.json and
 * memory.json, and handoffs.json for a multi-role run. By default it lands in the output root beside the run's report, as in the seed. Each
 * file is written whole (a temporary file renamed into place), state.json last.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RunSnapshot, StoredSnapshot } from '../../shared/run-snapshot';
import { describeZodError } from '../../shared/tools';
import { runHandoffs } from '../views/handoffs';
import { runMemory } from '../views/memory';
import { runSummary } from '../views/summary';
import { traceSummary } from '../views/trace-summary';
import { HarnessError } from './harness-error';

export const EXPORT_FORMAT = 'durable-harness/export@1';
export const STATE_FILE = 'state.json';

/** The files of one export and what each holds, in the seed's names. */
export function exportFiles(snapshot: RunSnapshot, exportedAt: string): Record<string, unknown> {
  return {
    [STATE_FILE]: { format: EXPORT_FORMAT, exportedAt, ...snapshot },
    'trace.json': snapshot.state.trace,
    'summary.json': runSummary(snapshot),
    'trace_summary.json': traceSummary(snapshot),
    'memory.json': runMemory(snapshot),
    // As in the seed: only a multi-role run has handoffs to keep.
    ...(snapshot.state.roles ? { 'handoffs.json': runHandoffs(snapshot) } : {}),
  };
}

export async function writeExport(snapshot: RunSnapshot, dir: string): Promise<string> {
  const target = path.resolve(dir, snapshot.state.runId);
  const nonce = randomBytes(4).toString('hex');
  // state.json goes last: a folder that has it has every other file of the same export.
  const files = Object.entries(exportFiles(snapshot, new Date().toISOString())).reverse();
  try {
    await fs.mkdir(target, { recursive: true });
    for (const [name, value] of files) {
      const temp = path.join(target, `.${name}.${nonce}.tmp`);
      await fs.writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
      await fs.rename(temp, path.join(target, name));
    }
  } catch (err) {
    await Promise.all(files.map(([name]) => fs.rm(path.join(target, `.${name}.${nonce}.tmp`), { force: true })));
    throw new HarnessError(`could not write the export to ${target}: ${err instanceof Error ? err.message : err}`);
  }
  return target;
}

/** Which export of a folder: the one named, the newest (as the seed's --latest over its runs folder), or the only one. */
export interface ExportChoice {
  id?: string;
  latest?: boolean;
}

/**
 * An export read back from `dir`: the folder itself when it holds state.json; else, like the seed's
 * `--runs-dir`, a folder of exports: `dir/<id>`, the newest, or the only one.
 */
export async function readExport(dir: string, choice: ExportChoice = {}): Promise<RunSnapshot> {
  const file = await stateFileIn(path.resolve(dir), choice);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new HarnessError(`${file}: not readable JSON (${err instanceof Error ? err.message.split('\n')[0] : err})`);
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== EXPORT_FORMAT)
    throw new HarnessError(`${file}: not a harness export (format ${JSON.stringify(format)}, expected "${EXPORT_FORMAT}")`);
  const parsed = StoredSnapshot.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    throw new HarnessError(
      `${file}: not a harness export: ${describeZodError({ ...parsed.error, issues: issues.slice(0, 3) } as typeof parsed.error)}${more}`,
    );
  }
  const { format: _format, exportedAt: _at, ...snapshot } = parsed.data;
  return snapshot as unknown as RunSnapshot;
}

async function stateFileIn(dir: string, { id, latest }: ExportChoice): Promise<string> {
  if (id !== undefined) {
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
