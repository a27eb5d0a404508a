/**
 * The cluster's two PostgreSQL databases (history and visibility), made and brought to the
 * server's schema by the server's own schema tool. A database that exists is kept and only
 * updated (the tool applies versions it lacks); `reset` drops both first.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClusterLayout } from './cluster-config';

const run = promisify(execFile);

/** The tool's embedded schemas, by database role. */
export const SCHEMAS = { main: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' } as const;

type Log = (line: string) => void;

async function sqlTool(binary: string, layout: ClusterLayout, database: string, args: string[]): Promise<string> {
  const { host, port, user, password } = layout.postgres;
  const connection = ['--plugin', 'postgres12', '--ep', host, '-p', String(port), '-u', user, ...(password ? ['--pw', password] : [])];
  try {
    const { stdout, stderr } = await run(binary, [...connection, '--db', database, ...args]);
    return `${stdout}${stderr}`;
  } catch (err) {
    const output = `${(err as { stderr?: string }).stderr ?? ''}${(err as { stdout?: string }).stdout ?? ''}`;
    throw new Error(`temporal-sql-tool ${args[0]} ${database}: ${lastError(output) || (err as Error).message.split('\n')[0]}`);
  }
}

/** The tool logs console lines (with colour codes); the error is the last ERROR line's message and field. */
function lastError(output: string): string {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const line = lines.reverse().find((l) => /\bERROR\b/.test(l));
  if (!line) return '';
  const message = /ERROR\s+(.*?)\s+\{/.exec(line)?.[1] ?? '';
  const error = /"error": "((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? '';
  return `${message}${error ? ` ${error}` : ''}`.trim();
}

export async function ensureDatabases(binary: string, layout: ClusterLayout, options: { reset?: boolean; log: Log }): Promise<void> {
  for (const role of ['main', 'visibility'] as const) {
    const database = layout.databases[role];
    if (options.reset) {
      await sqlTool(binary, layout, database, ['drop-database', '--force']);
      options.log(`dropped database ${database}`);
    }
    // create-database succeeds on an existing database too; what tells a new one from an old
    // one is whether the schema can be updated (a new one has no versioning tables yet).
    await sqlTool(binary, layout, database, ['create-database']);
    const update = () => sqlTool(binary, layout, database, ['update-schema', '--schema-name', SCHEMAS[role]]);
    try {
      await update();
      options.log(`reusing database ${database}`);
    } catch (err) {
      if (!/schema_version|does not exist/i.test((err as Error).message)) throw err;
      // Versioning tables at 0.0 only on a new database: on an old one it would rewind the version.
      await sqlTool(binary, layout, database, ['setup-schema', '-v', '0.0']);
      await update();
      options.log(`created database ${database}`);
    }
  }
}
