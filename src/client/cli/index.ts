/** The `harness` command line: parses arguments, dispatches to one command, prints one-line errors. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_APPROVALS_PORT, DEFAULT_CODEC_SERVER_PORT } from '../../shared/constants';
import type { ReadOptions, RunRef } from './read-run';
import type { DecisionOptions } from './commands/decide';
import { HarnessError } from '../api/harness-error';
import { warn } from './terminal';
import { flushTracing } from '../../telemetry/tracing';

/**
 * A command's action, loaded when it runs: `harness status` loads neither the MCP server, the
 * worker nor the cluster, and a CLI process starts about a third faster.
 */
function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  return (async (...args: unknown[]) => ((await load())[name] as (...a: unknown[]) => unknown)(...args)) as M[K];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/**
 * The seed harness's option names, accepted beside ours (hidden from help): `--source-file` for
 * `--sources`, `--policy-file` for `--policy` (or `--file` on `policy`).
 */
function withSeedNames(command: Command, ours: { sources?: 'sources'; policy: 'policy' | 'file' }): Command {
  if (ours.sources) command.addOption(new Option('--source-file <file>', "the seed harness's name for --sources").hideHelp());
  command.addOption(new Option('--policy-file <file>', `the seed harness's name for --${ours.policy}`).hideHelp());
  return command.hook('preAction', (_program, action) => {
    const options = action.opts();
    for (const [seed, own] of [
      ['sourceFile', 'sources'],
      ['policyFile', ours.policy],
    ] as const) {
      if (options[seed] === undefined) continue;
      if (options[own] !== undefined && options[own] !== options[seed])
        throw new HarnessError(`--${own} and the seed's --${seed === 'sourceFile' ? 'source-file' : 'policy-file'} disagree: give one`);
      action.setOptionValue(own, options[seed]);
    }
  });
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) throw new InvalidArgumentError('must be a port number (0 to 65535)');
  return n;
}

/**
 * A command about one run: `<name> [id]` with `--latest` (the most recently started run on this
 * task queue); exactly one of the two.
 */
function perRun<O extends object>(program: Command, name: string, action: (id: string, options: O) => Promise<void>): Command {
  return program
    .command(`${name} [id]`)
    .option('--latest', 'the most recently started run on this task queue')
    .action(async (id: string | undefined, options: O & { latest?: boolean }) =>
      action(await (await import('./run-id')).runIdFrom(id, options.latest), options),
    );
}

/**
 * A command that reads a run: like perRun, or `--from DIR` to read an export instead (no Temporal
 * server needed): DIR itself, or DIR/<id>, or the newest export in DIR with --latest.
 */
function perRunRead<O extends object>(program: Command, name: string, action: (ref: RunRef, options: O) => Promise<void>): Command {
  return program
    .command(`${name} [id]`)
    .option('--latest', 'the most recently started run on this task queue')
    .option('--from <dir>', 'read an export (`harness export`), no Temporal server needed; with an id or --latest, a folder of exports')
    .addOption(new Option('--runs-dir <dir>', "the seed harness's name for --from").hideHelp())
    .action(async (id: string | undefined, options: O & ReadOptions) =>
      action(await (await import('./read-run')).runRefFrom(id, options), options),
    );
}

export function buildProgram(): Command {
  const program = new Command('harness')
    .description('Durable research runs on Temporal: typed tools, retries, an approval gate and a trace.')
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('start')
    .description('start a research run (or, with --workflow, one of yours); prints its workflow id')
    .option('--topic <topic>', 'what to research')
    .option('--workflow <name>', 'a workflow of your own, exported by the $HARNESS_WORKFLOWS module, instead of a research run')
    .option('--input <json|file>', "--workflow's input: JSON text or a file (checked against the workflow's schema before it starts)")
    .option('--sources <file>', 'JSON file: [{"title","content"}] (default: bundled samples)')
    .option('--id <id>', 'workflow id (default: generated from the topic)')
    .option('--policy <file>', 'policy to snapshot into the run (default: $HARNESS_POLICY_FILE or policy/default.yaml)')
    .option('--as <name>', 'who starts the run (default: $HARNESS_IDENTITY or $USER); self-approval rules use it')
    .option('--output <path>', 'report path under the output root (default: <write root>/<id>/final_report.md)')
    .option(
      '--token-budget <n>',
      'total tokens the model steps may use before the run pauses (default: $HARNESS_TOKEN_BUDGET)',
      positiveInt,
    )
    .option(
      '--execution <mode>',
      'local or remote activities: local, remote, or tool=mode,... (default: $HARNESS_EXECUTION, else the policy and the registry)',
    )
    .option('--multi-agent', 'roles as child workflows: planner, executor, reviewer (the reviewer may send the draft back once)')
    .option('--json', 'machine-readable output')
    .option('--wait', 'follow the run live until it pauses for approval or ends (exit code as `watch`)')
    .option('--runs-dir <dir>', 'as the seed: return once the run stops (a gate, a pause, its end) with its files in <dir>/<id>/')
    .action(lazy(() => import('./commands/start'), 'startCommand'));
  perRunRead(
    program,
    'status',
    lazy(() => import('./commands/status'), 'statusCommand'),
  )
    .description('the run state')
    .option('--json');
  perRunRead(
    program,
    'inspect',
    lazy(() => import('./commands/inspect'), 'inspectCommand'),
  )
    .description('everything kept of the run as JSON: state, trace, sources, facts, draft, the whole pending call')
    .option('--json', 'always JSON (accepted for symmetry)');
  perRunRead(
    program,
    'summary',
    lazy(() => import('./commands/summary'), 'summaryCommand'),
  )
    .description('where the run stands: approval needed and by whom, attempts, pauses and approvals, the report, the next commands')
    .option('--json');
  perRunRead(
    program,
    'pending',
    lazy(() => import('./commands/pending'), 'pendingCommand'),
  )
    .description('the action waiting for approval')
    .option('--full', 'all of it (as `harness draft`), not the first lines')
    .option('--json');
  perRunRead(
    program,
    'draft',
    lazy(() => import('./commands/draft'), 'draftCommand'),
  )
    .description('the whole report (or tool arguments) waiting for approval, exactly as it would be written')
    .option('--json');
  perRun(program, 'approve', async (id, opts: DecisionOptions) => (await import('./commands/decide')).decideCommand('approve', id, opts))
    .description('approve the pending tool call (pinned to its digest; refusals are printed; with no worker, sent as a signal)')
    .option('--approver <name>', 'who approves (default: $HARNESS_IDENTITY or $USER)')
    .option('--comment <text>')
    .option(
      '--digest <hex>',
      'the digest you read (`harness pending` prints it; 8+ characters); default: what pending/status last showed you',
    )
    .option(
      '--edit <file>',
      "approve an edit: at the report gate a markdown file (reviewed again, written exactly); at another gate a JSON file of the tool's arguments",
    )
    .option('--key <file>', 'sign the decision with this Ed25519 key (harness keys generate; default: $HARNESS_SIGNING_KEY)')
    .option('--json')
    .addOption(new Option('--runs-dir <dir>', 'as the seed: once the run stops, its files in <dir>/<id>/').hideHelp());
  perRun(program, 'reject', async (id, opts: DecisionOptions) => (await import('./commands/decide')).decideCommand('reject', id, opts))
    .description('reject the pending action; nothing is written')
    .option('--approver <name>', 'who rejects (default: $HARNESS_IDENTITY or $USER)')
    .option('--reason <text>')
    .option('--key <file>', 'sign the decision with this Ed25519 key (harness keys generate; default: $HARNESS_SIGNING_KEY)')
    .option('--json')
    .addOption(new Option('--runs-dir <dir>', 'as the seed: once the run stops, its files in <dir>/<id>/').hideHelp());
  for (const kind of ['resume', 'abort'] as const) {
    perRun(program, kind, async (id, opts: DecisionOptions) => (await import('./commands/decide')).decideCommand(kind, id, opts))
      .description(kind === 'resume' ? 'retry the failed step of a run paused on error' : 'end a run paused on error as failed')
      .option('--operator <name>', 'who acts (default: $HARNESS_IDENTITY or $USER)')
      .option('--reason <text>')
      .option('--json')
      .addOption(new Option('--runs-dir <dir>', 'as the seed: once the run stops, its files in <dir>/<id>/').hideHelp());
  }
  program
    .command('send <id> [text]')
    .description('a message for a running agent session, then its answer (--end: end the session)')
    .option('--end', 'end the session after its current turn')
    .option('--from <name>', 'who writes (default: $HARNESS_IDENTITY or $USER)')
    .option('--no-wait', 'return once the session has the message')
    .option('--timeout <seconds>', 'how long to wait for the answer (default 300)')
    .option('--json')
    .action(async (id: string, text: string | undefined, opts) => (await import('./commands/send')).sendCommand(id, text, opts));
  perRun(
    program,
    'cancel',
    lazy(() => import('./commands/cancel'), 'cancelCommand'),
  )
    .description('cancel a run through Temporal cancellation; nothing is written')
    .option('--json');
  const keys = program.command('keys').description("approvers' Ed25519 signing keys");
  keys
    .command('generate')
    .description('write NAME.key (private, 0600) and NAME.pub (the line a policy lists under publicKeys); never overwrites')
    .requiredOption('--name <name>', 'whose key (the approver name the policy uses)')
    .option('--dir <dir>', 'where (default: $XDG_CONFIG_HOME/durable-harness/keys)')
    .option('--json')
    .action(lazy(() => import('./commands/keys'), 'keysGenerateCommand'));
  program
    .command('policy')
    .description('print the effective policy (what a new run would snapshot) and its digest')
    .option('--file <file>', 'policy file (default: $HARNESS_POLICY_FILE or policy/default.yaml)')
    .option('--import <file>', "convert the seed harness's JSON policy to this harness's YAML (stdout), naming what does not map")
    .option('--json')
    .option('--pretty', 'the same as --json (the seed prints its policy as JSON, indented with --pretty)')
    .option('--runs-dir <dir>', 'the output root the write roots are under (default: $HARNESS_OUTPUT_DIR)')
    .action(lazy(() => import('./commands/policy'), 'policyCommand'));
  perRunRead(
    program,
    'trace',
    lazy(() => import('./commands/trace'), 'traceCommand'),
  )
    .alias('history')
    .description("trace events of a run (`history`: the seed harness's name for it)")
    .option('--event <type>', 'only events of this type')
    .option('--tail <n>', 'only the last n events', positiveInt)
    .option('--json');
  perRunRead(
    program,
    'handoffs',
    lazy(() => import('./commands/handoffs'), 'handoffsCommand'),
  )
    .description('the role handoffs of a run (single-role runs have none)')
    .option('--json');
  perRunRead(
    program,
    'trace-summary',
    lazy(() => import('./commands/trace-summary'), 'traceSummaryCommand'),
  )
    .description('the trace rolled up: events by type, calls, attempts, time and tokens per tool, gate, review, report')
    .option('--json');
  perRunRead(
    program,
    'memory',
    lazy(() => import('./commands/memory'), 'memoryCommand'),
  )
    .description("the run's memory: working context, session state, and its sources and facts ranked against a query")
    .option('--query <text>', 'what to retrieve (default: the topic)')
    .option('--top-k <k>', 'how many results (default 5)', positiveInt)
    .option('--json');
  perRunRead(
    program,
    'export',
    lazy(() => import('./commands/export'), 'exportCommand'),
  )
    .description("write the run to <dir>/<id>/ in the seed's layout (state, trace, summary, trace_summary, memory .json)")
    .option('--dir <dir>', 'where (default: $HARNESS_OUTPUT_DIR, beside the report)')
    .option('--json');
  perRun(
    program,
    'result',
    lazy(() => import('./commands/result'), 'resultCommand'),
  )
    .description('wait for the run to end (exit 0 completed, 1 failed, 3 rejected)')
    .option('--json');
  perRun(
    program,
    'watch',
    lazy(() => import('./commands/watch'), 'watchCommand'),
  )
    .description('follow a run live (exit 0 completed, 1 failed, 2 waiting for approval, 3 rejected, 4 paused on error, 5 cancelled)')
    .option('--json', 'trace events as JSON lines');
  program
    .command('import <dir> [ids...]')
    .description(
      "bring runs kept as files (the seed harness's .runs folder, or exports) into Temporal: listed, read and decided beside new runs",
    )
    .option('--policy <file>', 'the policy a waiting run is decided under (default: $HARNESS_POLICY_FILE or policy/default.yaml)')
    .option('--as <name>', 'who imports (default: $HARNESS_IDENTITY or $USER)')
    .option('--json')
    .action(lazy(() => import('./commands/import'), 'importCommand'));
  program
    .command('list')
    .description('research runs, by HarnessStatus')
    .option('--status <status>', 'running | waiting_approval | paused_on_error | completed | rejected | failed | cancelled')
    .option('--page-size <n>', 'rows per page (default 100)', positiveInt)
    .option('--page <token>', 'the page token a previous page printed')
    .option('--runs-dir <dir>', "list the runs kept as files in a folder (exports, or the seed harness's .runs), no server needed")
    .option('--json')
    .action(lazy(() => import('./commands/list'), 'listCommand'));
  program
    .command('inbox')
    .description('every run waiting for approval, with topic, digest and the start of the draft')
    .option('--page-size <n>', 'runs per page (default 20)', positiveInt)
    .option('--page <token>', 'the page token a previous page printed')
    .option('--lines <n>', 'draft lines per run (default 3)', positiveInt)
    .option('--json')
    .action(lazy(() => import('./commands/inbox'), 'inboxCommand'));
  program
    .command('worker')
    .description('run a worker in the foreground')
    .action(lazy(() => import('./commands/worker'), 'workerCommand'));
  program
    .command('server')
    .description('run the embedded Temporal dev server (SQLite, Web UI) in the foreground')
    .option('--db <file>', 'SQLite history file (default .temporal/harness.sqlite)')
    .option('--ui-port <port>', 'Web UI port (default 8233)', positiveInt)
    .option(
      '--codec-port <port>',
      `with HARNESS_CODEC_KEYS set: the codec server's port (default ${DEFAULT_CODEC_SERVER_PORT})`,
      portNumber,
    )
    .action(lazy(() => import('./commands/server'), 'serverCommand'));
  const codec = program.command('codec').description('payload encryption (AES-256-GCM) keys');
  codec
    .command('keygen')
    .description('print a new HARNESS_CODEC_KEYS entry (id:base64key); put it first to encrypt with it, keep old ones to read old runs')
    .requiredOption('--id <id>', 'the key id stored in each payload it encrypts')
    .action(lazy(() => import('./commands/codec'), 'codecKeygenCommand'));
  program
    .command('codec-server')
    .description('serve the payload codec to Temporal Web and the temporal CLI (--codec-endpoint) in the foreground')
    .option('--host <host>', 'listen address (default 127.0.0.1)', '127.0.0.1')
    .option('--port <port>', `port (default ${DEFAULT_CODEC_SERVER_PORT})`, portNumber, DEFAULT_CODEC_SERVER_PORT)
    .option('--origin <url...>', 'browser origins allowed (default: the embedded Web UI, http://localhost:8233 and http://127.0.0.1:8233)')
    .action(lazy(() => import('./commands/codec'), 'codecServerCommand'));
  program
    .command('cluster')
    .description(
      'run a production-shape Temporal cluster in the foreground: PostgreSQL, four services, mTLS, Web UI (built with Go the first time)',
    )
    .option('--reset', 'drop its databases first')
    .option('--no-ui', 'without the Web UI')
    .option('--dir <dir>', 'config, certificates and logs (default .temporal/cluster)')
    .option('--database <name>', 'PostgreSQL database name, and <name>_visibility (default harness_cluster)')
    .option('--free-ports', 'free ports instead of the usual ones (frontend 7233, Web UI 8233): a second cluster beside another')
    .option('--auth', "Temporal's authorizer on: API keys (JWTs it signs) required; prints an admin key; no Web UI")
    .action(lazy(() => import('./commands/cluster'), 'clusterCommand'));
  program
    .command('jaeger')
    .description('run Jaeger v2 on loopback in the foreground (OTLP 4317/4318, UI 16686; built with Go the first time)')
    .action(lazy(() => import('./commands/jaeger'), 'jaegerCommand'));
  program
    .command('prometheus')
    .description('run Prometheus (Debian) on loopback in the foreground, scraping workers with the shipped alert rules')
    .option('--target <host:port...>', 'worker metrics addresses (default: $HARNESS_METRICS_ADDRESS or 127.0.0.1:9464)')
    .option('--port <port>', 'Prometheus port (default 9090)', positiveInt)
    .action(lazy(() => import('./commands/prometheus'), 'prometheusCommand'));
  program
    .command('workflow')
    .description("the run's step graph under a policy: steps, gates, pause and resume, failure edges")
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'mermaid']).default('json'))
    .option('--policy <file>', 'policy (default: $HARNESS_POLICY_FILE or policy/default.yaml)')
    .option('--json', 'the same as --format json')
    .option('--pretty', 'indented JSON (the seed prints one line without it; JSON here is always indented)')
    .option('--runs-dir <dir>', 'the output root to describe (default: $HARNESS_OUTPUT_DIR)')
    .action(lazy(() => import('./commands/workflow'), 'workflowCommand'));
  program
    .command('blueprint')
    .description("the harness's architecture: components, tools, policy, steps, persisted artifacts, limitations")
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'markdown', 'mermaid']).default('json'))
    .option('--policy <file>', 'policy (default: $HARNESS_POLICY_FILE or policy/default.yaml)')
    .option('--json', 'the same as --format json')
    .option('--pretty', 'indented JSON (the seed prints one line without it; JSON here is always indented)')
    .option('--runs-dir <dir>', 'the output root to describe (default: $HARNESS_OUTPUT_DIR)')
    .action(lazy(() => import('./commands/blueprint'), 'blueprintCommand'));
  program
    .command('evals')
    .description('run trace-aware eval fixtures against the embedded default (started if needed); exit 1 on any failure')
    .option('--fixtures <file>', 'fixture suite, YAML or JSON (default: evals/default.yaml; format in docs/operating-runs.md, Evals)')
    .option('--only <names>', 'only these fixtures (comma-separated names)')
    .option('--runs-dir <dir>', "keep each fixture's run as files in <dir>/<id>/, as the seed does")
    .option('--json')
    .action(lazy(() => import('./commands/evals'), 'evalsCommand'));
  const ui = program
    .command('ui')
    .description(
      'the approvals page: an inbox of runs waiting at a gate, each gate to read and decide, live (loopback unless told otherwise)',
    )
    .option('--port <port>', 'port (0: any free port)', portNumber, DEFAULT_APPROVALS_PORT)
    .option('--host <host>', 'the address to listen on (default 127.0.0.1)')
    .option('--allowed-host <name...>', 'also answer to these Host names (a proxy or DNS name in front); others get 403')
    .option('--tokens <file>', 'sign-in tokens (default $XDG_CONFIG_HOME/durable-harness/ui-tokens.json; `harness ui token` writes it)')
    .option('--trusted-header <name>', 'sign approvers in by this header, set by an authenticating reverse proxy, instead of tokens')
    .option('--poll-ms <ms>', 'how often the one inbox read asks Temporal, whatever the number of viewers', positiveInt, 1000)
    .action(lazy(() => import('./commands/ui'), 'uiServeCommand'));
  ui.command('token <name>')
    .description('issue a sign-in token for an approver (printed once; the file, `harness ui --tokens`, keeps only its sha256)')
    .action(async (name: string, _options: object, command: Command) =>
      (await import('./commands/ui')).uiTokenCommand(name, command.optsWithGlobals()),
    );
  const mcp = program.command('mcp').description('the harness over the Model Context Protocol: tool descriptors, a server');
  mcp
    .command('tools')
    .description('MCP tool descriptors for every tool in the registry (JSON Schemas from the zod contracts)')
    .option('--json')
    .action(lazy(() => import('./commands/mcp'), 'mcpToolsCommand'));
  mcp
    .command('call <tool>')
    .description('run one tool as a durable workflow under the effective policy: its contract, retries and gate (exit 2 at a gate)')
    .requiredOption('--args <json>', "the tool's arguments, checked against its contract")
    .option('--policy <file>', 'policy (default: $HARNESS_POLICY_FILE or policy/default.yaml)')
    .option('--as <name>', 'who calls (default: $HARNESS_IDENTITY or $USER)')
    .option('--id <id>', 'workflow id (default: call-<tool>-<random>)')
    .option('--json')
    .action(lazy(() => import('./commands/mcp'), 'mcpCallCommand'));
  mcp
    .command('serve')
    .description('an MCP server (stdio, or Streamable HTTP with --http): start, watch and read runs; it cannot approve')
    .option('--http <port>', 'serve Streamable HTTP on this port at /mcp instead of stdio (0: any free port)', portNumber)
    .option('--host <host>', 'the address to listen on with --http (default 127.0.0.1)')
    .option('--allowed-host <name...>', 'also answer to these Host names (a proxy or DNS name in front of --http); others get 403')
    .action(lazy(() => import('./commands/mcp'), 'mcpServeCommand'));
  // The seed harness's spellings of the two MCP commands, hidden from help (its output shapes, not ours).
  program
    .command('mcp-tools', { hidden: true })
    .description('the seed\'s mcp-tools: {"tools": [...]} on one line (--pretty: indented)')
    .option('--pretty', 'indented JSON')
    .action(lazy(() => import('./commands/mcp'), 'seedMcpToolsCommand'));
  program
    .command('mcp-call <tool> <arguments_json>', { hidden: true })
    .description("the seed's mcp-call: {tool, isError, content, structuredContent}; exit 1 when isError (a gate included)")
    .option('--policy <file>', 'policy (default: $HARNESS_POLICY_FILE or policy/default.yaml)')
    .option('--as <name>', 'who calls (default: $HARNESS_IDENTITY or $USER)')
    .option('--id <id>', 'workflow id (default: call-<tool>-<random>)')
    .action(lazy(() => import('./commands/mcp'), 'seedMcpCallCommand'));
  program
    .command('interactive')
    .description('start a run, follow it live, show all that waits at each gate and ask; no leaves it waiting (a worker must run)')
    .requiredOption('--topic <topic>', 'what to research')
    .option('--sources <file>', 'JSON file: [{"title","content"}] (default: bundled samples)')
    .option('--policy <file>', 'policy to snapshot into the run (default: $HARNESS_POLICY_FILE or policy/default.yaml)')
    .option('--id <id>', 'workflow id (default: generated from the topic)')
    .option('--as <name>', 'who starts and approves (default: $HARNESS_IDENTITY or $USER)')
    .option('--multi-agent', 'roles as child workflows: planner, executor, reviewer')
    .addOption(new Option('--runs-dir <dir>', 'as the seed: once the run stops, its files in <dir>/<id>/').hideHelp())
    .action(lazy(() => import('./commands/interactive'), 'interactiveCommand'));
  program
    .command('demo')
    .description('a complete research run on the embedded default, approved at the terminal')
    .option('--yes', 'approve without asking')
    .option('--topic <topic>', 'what to research')
    .action(lazy(() => import('./commands/demo'), 'demoCommand'));
  program
    .command('doctor')
    .description('check Temporal, workers, the model configuration, the endpoint and a chat round trip (exit 1 on any failure)')
    .option('--json')
    .action(lazy(() => import('./commands/doctor'), 'doctorCommand'));
  program
    .command('setup')
    .description('find or build the Temporal CLI and tctl (cached per user); --browser: also Chromium for the Temporal Web tests')
    .option('--browser', 'install Debian chromium when it is missing and this user can (root with apt-get)')
    .option('--observability', 'build Jaeger with Go and install Debian prometheus (with promtool) when missing')
    .option(
      '--cluster',
      'build the Temporal server, its SQL tool and the Web UI server with Go; install Debian docker-compose when missing',
    )
    .action(lazy(() => import('./commands/setup'), 'setupCommand'));
  const seedNames = { start: 'policy', interactive: 'policy', workflow: 'policy', blueprint: 'policy', policy: 'file' } as const;
  for (const [name, policy] of Object.entries(seedNames))
    withSeedNames(
      program.commands.find((c) => c.name() === name)!,
      { policy, ...(name === 'start' || name === 'interactive' ? { sources: 'sources' as const } : {}) },
    );
  return program;
}

/** A reader that stops early (`| head`) closes the pipe: that ends the command quietly, as in any Unix tool. */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

/**
 * grpc-js gives node an IP address as the TLS server name when TEMPORAL_ADDRESS is one, and node
 * warns about it (DEP0123) on every connection: noise on a terminal, so that one warning is dropped.
 */
function dropIpServerNameWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    if (args.includes('DEP0123')) return;
    emitWarning(...args);
  }) as typeof process.emitWarning;
}

export async function main(argv: string[]): Promise<void> {
  dropIpServerNameWarning();
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    // Loaded on failure only: it needs the Temporal client's error classes.
    const { oneLine } = await import('./cli-error');
    warn(`harness: ${oneLine(err)}\n`);
    process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
  } finally {
    await flushTracing();
  }
}
