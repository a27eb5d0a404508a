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
const SCHEMAS = { main: 'postgresql/v12/temporal', visibility: 'postgresql/v12/visibility' } as const;

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

/** The tool logs JSON lines; the error is the last one with an "error" field. */
function lastError(output: string): string {
  const lines = output.split('\n').filter(Boolean).reverse();
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as { error?: string; msg?: string };
      if (entry.error) return `${entry.msg ?? 'failed'}: ${entry.error}`;
    } catch {
      if (/error/i.test(line)) return line.slice(0, 300);
    }
  }
  return '';
}

/** True when the database was created now, false when it was there already. */
async function createDatabase(binary: string, layout: ClusterLayout, database: string): Promise<boolean> {
  try {
    await sqlTool(binary, layout, database, ['create-database']);
    return true;
  } catch (err) {
    if (/already exists/.test((err as Error).message)) return false;
    throw err;
  }
}

export async function ensureDatabases(binary: string, layout: ClusterLayout, options: { reset?: boolean; log: Log }): Promise<void> {
  for (const role of ['main', 'visibility'] as const) {
    const database = layout.databases[role];
    if (options.reset) {
      await sqlTool(binary, layout, database, ['drop-database', '--force']);
      options.log(`dropped database ${database}`);
    }
    if (await createDatabase(binary, layout, database)) {
      // Versioning tables at 0.0 only on a new database: on an old one it would rewind the version.
      await sqlTool(binary, layout, database, ['setup-schema', '-v', '0.0']);
      options.log(`created database ${database}`);
    } else {
      options.log(`reusing database ${database}`);
    }
    await sqlTool(binary, layout, database, ['update-schema', '--schema-name', SCHEMAS[role]]);
  }
}
