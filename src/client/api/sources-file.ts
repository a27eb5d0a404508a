/** Reads and validates a sources file before a run starts, so bad input never reaches Temporal. */
import path from 'node:path';
import { z } from 'zod';
import { MAX_SOURCES_BYTES } from '../../shared/run';
import { MAX_SOURCES, SourceDocument } from '../../shared/tools';
import { describeZodError } from '../../shared/tool-contract';
import { REPO_ROOT } from '../../paths';
import { FileRefusedError } from '../../files/file-refused';
import { parseJsonText, readRegularFile } from '../../files/read-regular-file';
import { HarnessError } from './harness-error';

const SourcesFile = z.array(SourceDocument).min(1, 'the list of sources is empty').max(MAX_SOURCES);

/** Sample documents about harness engineering, shipped with the project. */
export const SAMPLE_SOURCES = path.join(REPO_ROOT, 'samples', 'sources.json');

export async function readSourcesFile(file: string): Promise<SourceDocument[]> {
  let json: unknown;
  try {
    json = parseJsonText((await readRegularFile(file, { what: 'sources file', maxBytes: MAX_SOURCES_BYTES })).text, `sources file ${file}`);
  } catch (err) {
    throw err instanceof FileRefusedError ? new HarnessError(err.message) : err;
  }
  const parsed = SourcesFile.safeParse(json);
  if (!parsed.success) {
    throw new HarnessError(`sources file has the wrong shape (expected [{"title","content"}]): ${file}: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}
