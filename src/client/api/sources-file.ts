/** Reads and validates a sources file before a run starts, so bad input never reaches Temporal. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MAX_SOURCES_BYTES } from '../../shared/run';
import { describeZodError, MAX_SOURCES, SourceDocument } from '../../shared/tools';
import { REPO_ROOT } from '../../paths';
import { HarnessError } from './harness-error';

const SourcesFile = z.array(SourceDocument).min(1, 'the list of sources is empty').max(MAX_SOURCES);

/** Sample documents about harness engineering, shipped with the project. */
export const SAMPLE_SOURCES = path.join(REPO_ROOT, 'samples', 'sources.json');

export async function readSourcesFile(file: string): Promise<SourceDocument[]> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    throw new HarnessError(`sources file not found: ${file}`);
  }
  if (!stat.isFile()) throw new HarnessError(`sources file is not a file: ${file}`);
  if (stat.size > MAX_SOURCES_BYTES) {
    throw new HarnessError(`sources file is too large: ${stat.size} bytes (limit ${MAX_SOURCES_BYTES}): ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new HarnessError(`sources file is not valid JSON: ${file}: ${(err as Error).message}`);
  }
  const parsed = SourcesFile.safeParse(json);
  if (!parsed.success) {
    throw new HarnessError(`sources file has the wrong shape (expected [{"title","content"}]): ${file}: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}
