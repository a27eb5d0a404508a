/**
 * `harness mcp tools | call | serve`: the tool registry as MCP descriptors, one tool run as a
 * durable workflow, and the harness as an MCP server over stdio or Streamable HTTP (loopback unless
 * told otherwise).
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readEnv } from '../../../config/env';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import type { RunState } from '../../../shared/run';
import { followRun } from '../../api/follow-run';
import { targetOf } from '../../api/runs';
import { startToolCall } from '../../api/tool-calls';
import { withClient } from '../../api/with-client';
import { EXIT_CODES } from '../exit-codes';
import { identity } from '../identity';
import { REPO_ROOT } from '../../../paths';
import { connectClient } from '../../api/connect';
import { HarnessError } from '../../api/harness-error';
import { createMcpServer } from '../../mcp/server';
import { toolDescriptors } from '../../mcp/tool-descriptors';
import { printJson } from '../format';
import { say, warn } from '../terminal';
import { describeTarget } from '../../../config/temporal-profile';
import { allowedHosts, hostRefusal } from '../../../net/host-guard';
import { isLoopback } from '../../../net/loopback';

const VERSION = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;

export function mcpToolsCommand(options: { json?: boolean }): void {
  const tools = toolDescriptors();
  if (options.json) return printJson({ tools });
  for (const t of tools) {
    const hints = Object.entries(t.annotations ?? {})
      .filter(([, on]) => on === true)
      .map(([hint]) => hint)
      .join(', ');
    say(`${t.name.padEnd(16)} ${t.description}\n${''.padEnd(16)} ${t._meta?.['durable-harness/category']}${hints ? `; ${hints}` : ''}\n`);
  }
}

export async function mcpServeCommand(options: { http?: number; host?: string; allowedHost?: string[] }): Promise<void> {
  const h = await connectClient(readEnv());
  if (options.http === undefined) {
    // stdout is the protocol's: nothing else may be printed there.
    const server = createMcpServer(h, VERSION);
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
    await server.connect(transport);
    process.stdin.on('end', () => void transport.close());
    await closed;
    // The client is gone: nothing still in flight can be answered. Closing the Temporal connection
    // under a call the SDK is retrying would throw from its retry timer (a crash with a gRPC stack),
    // so the process ends here, cleanly, once what was already answered has left stdout.
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(0);
  }
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  let allowed = new Set<string>();
  const http = createServer(async (req, res) => {
    // Before anything else, on every address: a rebound DNS name or another site's page gets nothing.
    const refused = hostRefusal(req, allowed);
    if (refused) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end(`${refused}\n`);
      return;
    }
    if (req.url !== '/mcp') {
      res.writeHead(404).end('the MCP endpoint is /mcp\n');
      return;
    }
    // Stateless: a server and a transport per request, over the one Temporal connection.
    const server = createMcpServer(h, VERSION);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(`${err instanceof Error ? err.message : err}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err) => reject(new HarnessError(`cannot listen on ${host}:${options.http}: ${err.message}`)));
    http.listen(options.http, host, () => resolve());
  });
  const port = (http.address() as { port: number }).port;
  allowed = allowedHosts(host, port, options.allowedHost);
  warn(
    `harness MCP server on http://${host.includes(':') ? `[${host}]` : host}:${port}/mcp (Temporal at ${describeTarget(h.env)})${loopback ? '' : '; not loopback: anyone who reaches this port can start runs'}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => http.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await h.close();
}

interface CallOptions {
  policy?: string;
  as?: string;
  id?: string;
}

/** One tool call as a durable workflow under the effective policy, followed until it ends or stops at a gate. */
async function callTool(tool: string, args: unknown, options: CallOptions): Promise<{ id: string; state?: RunState; output: unknown }> {
  const env = readEnv();
  const policy = await loadPolicyFile(policyFileFor(env, options.policy));
  return withClient(async (h) => {
    const run = await startToolCall(targetOf(h), { tool, args, policy, startedBy: identity(h.env, options.as), id: options.id });
    let state: RunState | undefined;
    for await (const update of followRun(h, run)) {
      if (update.kind === 'unanswered') warn(`${update.message}; still waiting…\n`);
      else state = update.state;
    }
    const output = state?.status === 'completed' ? (await run.result()).output : null;
    return { id: run.workflowId, state, output };
  });
}

const gateAdvice = (tool: string, id: string) =>
  `${tool} waits for approval (run ${id}): a human reads it with \`harness pending ${id}\`, then \`harness approve ${id}\` or \`harness reject ${id}\``;

/**
 * `harness mcp call TOOL --args JSON`: one tool as a durable workflow under the effective policy;
 * prints its output, or, at a gate, how a human decides (exit 2).
 */
export async function mcpCallCommand(tool: string, options: CallOptions & { args: string; json?: boolean }): Promise<void> {
  let args: unknown;
  try {
    args = JSON.parse(options.args);
  } catch (err) {
    throw new HarnessError(`--args: not JSON (${(err as Error).message})`);
  }
  const { id, state, output } = await callTool(tool, args, options);
  if (!state) return;
  if (options.json) printJson({ runId: id, status: state.status, output, pendingAction: state.pendingAction, error: state.error });
  else if (state.status === 'completed') say(`${JSON.stringify(output, null, 2)}\n`);
  else if (state.status === 'waiting_approval') warn(`${gateAdvice(tool, id)}\n`);
  else if (state.status === 'paused_on_error')
    warn(`${tool} failed after its retries (run ${id}): ${state.pausedOn?.error}; harness resume|abort ${id}\n`);
  else warn(`${tool} call ${state.status}: ${state.error ?? ''}\n`);
  process.exitCode = EXIT_CODES[state.status as Exclude<RunState['status'], 'running'>];
}

/** `harness mcp-tools [--pretty]`, the seed's command: `{"tools": [...]}`, one line unless --pretty. */
export function seedMcpToolsCommand(options: { pretty?: boolean }): void {
  printJson({ tools: toolDescriptors() }, { compact: !options.pretty });
}

/**
 * `harness mcp-call TOOL ARGS_JSON`, the seed's command: the call result in the seed's (MCP) shape,
 * `{tool, isError, content, structuredContent}`, exit 1 when isError. Unlike the seed, the call runs
 * under the policy: stopping at a gate is an error too, one that names the run to decide.
 */
export async function seedMcpCallCommand(tool: string, argumentsJson: string, options: CallOptions): Promise<void> {
  const result = (isError: boolean, text: string, structuredContent: unknown) => {
    printJson({ tool, isError, content: [{ type: 'text', text }], structuredContent });
  };
  let outcome: Awaited<ReturnType<typeof callTool>>;
  try {
    outcome = await callTool(tool, JSON.parse(argumentsJson), options);
  } catch (err) {
    // As the seed: a refused call (unknown tool, arguments its contract refuses, bad JSON) is a result, not a crash.
    const error = err instanceof SyntaxError ? `ARGUMENTS_JSON: not JSON (${err.message})` : (err as Error).message.split('\n')[0];
    result(true, error, { error });
    process.exitCode = 1;
    return;
  }
  const { id, state, output } = outcome;
  if (!state) return;
  if (state.status === 'completed') return result(false, JSON.stringify(output, null, 2), output);
  const error =
    state.status === 'waiting_approval'
      ? gateAdvice(tool, id)
      : state.status === 'paused_on_error'
        ? `${tool} failed after its retries (run ${id}): ${state.pausedOn?.error}; harness resume|abort ${id}`
        : `${tool} call ${state.status} (run ${id}): ${state.error ?? ''}`;
  result(true, error, { error, runId: id, status: state.status });
  process.exitCode = 1;
}
