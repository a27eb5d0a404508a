/** The real `temporal` CLI against the suite's server, as an operator or a hostile client would use it. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findGoTool, TEMPORAL_CLI } from '../../src/toolchain/go-tools';
import { testAddress } from './temporal';

const exec = promisify(execFile);

/** Runs `temporal ARGS --address <suite server>`; never throws: the exit code and everything it printed. */
export async function temporalCli(args: string[]): Promise<{ code: number; output: string }> {
  const binary = await findGoTool(TEMPORAL_CLI);
  if (!binary) throw new Error('temporal is missing: run `npm run setup`');
  try {
    const { stdout, stderr } = await exec(binary, [...args, '--address', testAddress()]);
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
