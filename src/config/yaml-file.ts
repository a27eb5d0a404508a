/**
 * A YAML (or JSON) configuration file checked against a zod schema, every problem reported with its
 * field and line: a policy, an eval suite. Bounded in size; aliases expand to a bounded count.
 */
import { FileRefusedError } from '../files/file-refused';
import { readRegularFile } from '../files/read-regular-file';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './env';

/** `what` names the file in messages ("policy file", "eval fixtures"). */
export async function readYamlFile<S extends z.ZodType>(file: string, schema: S, what: string, maxBytes: number): Promise<z.output<S>> {
  let text: string;
  try {
    text = (await readRegularFile(file, { what, maxBytes })).text;
  } catch (err) {
    throw err instanceof FileRefusedError ? new ConfigError(err.message) : err;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const error = doc.errors[0];
    const { line } = lines.linePos(error.pos[0]);
    throw new ConfigError(`${what} ${file}: line ${line}: ${error.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // An alias bomb (or another structure yaml refuses to expand) is named with its file.
    throw new ConfigError(`${what} ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${what} ${file}: ${describeWithLines(parsed.error, doc, lines)}`);
  return parsed.data;
}

/** "tools.finalize_report.minApprovals (line 12): Too small…" for each issue. */
function describeWithLines(error: z.ZodError, doc: ReturnType<typeof parseDocument>, lines: LineCounter): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length ? issue.path.join('.') : '(root)';
      // The nearest node that exists: a missing field points at its parent.
      for (let depth = issue.path.length; depth >= 0; depth--) {
        const node = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
        if (isNode(node) && node.range) return `${field} (line ${lines.linePos(node.range[0]).line}): ${issue.message}`;
      }
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}
