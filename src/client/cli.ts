/** The `harness` command line: parses arguments, dispatches to one command, prints one-line errors. */
import { Command, InvalidArgumentError } from 'commander';
import { oneLine } from './cli-error';
import { decideCommand } from './commands/decide';
import { demoCommand } from './commands/demo';
import { inboxCommand } from './commands/inbox';
import { listCommand } from './commands/list';
import { pendingCommand } from './commands/pending';
import { resultCommand } from './commands/result';
import { serverCommand } from './commands/server';
import { setupCommand } from './commands/setup';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { traceCommand } from './commands/trace';
import { watchCommand } from './commands/watch';
import { workerCommand } from './commands/worker';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

export function buildProgram(): Command {
  const program = new Command('harness')
    .description('Durable research runs on Temporal: typed tools, retries, an approval gate and a trace.')
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('start')
    .description('start a research run; prints its workflow id')
    .requiredOption('--topic <topic>', 'what to research')
    .option('--sources <file>', 'JSON file: [{"title","content"}] (default: bundled samples)')
    .option('--id <id>', 'workflow id (default: generated from the topic)')
    .option('--json', 'machine-readable output')
    .option('--wait', 'follow the run live until it pauses for approval or ends (exit code as `watch`)')
    .action(startCommand);
  program.command('status <id>').description('the run state').option('--json').action(statusCommand);
  program.command('pending <id>').description('the action waiting for approval').option('--json').action(pendingCommand);
  program
    .command('approve <id>')
    .description('approve the pending action (pinned to the digest shown by `pending`)')
    .option('--approver <name>', 'who approves (default: $USER)')
    .option('--comment <text>')
    .option('--json')
    .action((id, opts) => decideCommand('approve', id, opts));
  program
    .command('reject <id>')
    .description('reject the pending action; nothing is written')
    .option('--approver <name>', 'who rejects (default: $USER)')
    .option('--reason <text>')
    .option('--json')
    .action((id, opts) => decideCommand('reject', id, opts));
  program
    .command('trace <id>')
    .description('trace events of a run')
    .option('--event <type>', 'only events of this type')
    .option('--tail <n>', 'only the last n events', positiveInt)
    .option('--json')
    .action(traceCommand);
  program
    .command('result <id>')
    .description('wait for the run to end (exit 0 completed, 1 failed, 3 rejected)')
    .option('--json')
    .action(resultCommand);
  program
    .command('watch <id>')
    .description('follow a run live (exit 0 completed, 1 failed, 2 waiting for approval, 3 rejected)')
    .option('--json', 'trace events as JSON lines')
    .action(watchCommand);
  program
    .command('list')
    .description('research runs, by HarnessStatus')
    .option('--status <status>', 'running | waiting_approval | completed | rejected | failed')
    .option('--page-size <n>', 'rows per page (default 100)', positiveInt)
    .option('--page <token>', 'the page token a previous page printed')
    .option('--json')
    .action(listCommand);
  program
    .command('inbox')
    .description('every run waiting for approval, with topic, digest and the start of the draft')
    .option('--page-size <n>', 'runs per page (default 20)', positiveInt)
    .option('--page <token>', 'the page token a previous page printed')
    .option('--lines <n>', 'draft lines per run (default 3)', positiveInt)
    .option('--json')
    .action(inboxCommand);
  program.command('worker').description('run a worker in the foreground').action(workerCommand);
  program
    .command('server')
    .description('run the embedded Temporal dev server (SQLite, Web UI) in the foreground')
    .option('--db <file>', 'SQLite history file (default .temporal/harness.sqlite)')
    .option('--ui-port <port>', 'Web UI port (default 8233)', positiveInt)
    .action(serverCommand);
  program
    .command('demo')
    .description('a complete research run on the embedded default, approved at the terminal')
    .option('--yes', 'approve without asking')
    .option('--topic <topic>', 'what to research')
    .action(demoCommand);
  program.command('setup').description('find or build the Temporal CLI and tctl').action(setupCommand);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`harness: ${oneLine(err)}\n`);
    process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
  }
}
