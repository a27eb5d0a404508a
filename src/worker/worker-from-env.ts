/**
 * Builds a harness worker from the environment: the one recipe behind `harness worker`, the
 * demo's in-process worker and the tests' workers. Connects (patiently, abortably), registers
 * HarnessStatus, picks the model provider, loads the default policy, wires the tools.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import path from 'node:path';
import { toolsModule } from '../config/user-modules';
import { harnessDataConverter } from '../codec/data-converter';
import { createActivities, modelTurnActivity } from '../activities';
import type { ChatModel } from '../activities/model/chat-model';
import { selectChatModel, selectProvider } from '../activities/model/select-provider';
import type { ModelProvider } from '../activities/model/provider';
import type { HarnessEnv } from '../config/env';
import { LoadedPolicy, loadPolicyFile, policyFileFor } from '../config/policy-file';
import { BUILTIN_TOOLS, HarnessActivities } from '../shared/tools';
import type { ToolImplementation } from '../activities/define-tool-activity';
import { processTracing } from '../telemetry/tracing';
import { connectWorkerConnection } from '../temporal-connection';
import { createHarnessWorker, tuningFromEnv } from './create-worker';
import { faultsFromEnv } from './fault-injection';
import { registerSearchAttribute } from './register-search-attribute';
import { checkWorkflowsModule, registerTools } from './user-registration';
import { McpServers, McpServersInput, readMcpServersFile } from '../config/mcp-servers';
import { McpConnections } from '../activities/mcp/mcp-connections';
import { mcpActivities } from '../activities/mcp/mcp-activities';
import { ConfigError } from '../config/config-error';
import { describeZodError } from '../shared/tool-contract';

export interface EnvWorker {
  worker: Worker;
  connection: NativeConnection;
  model: ModelProvider;
  defaultPolicy: LoadedPolicy;
  /** After the worker has stopped: closes its MCP clients (stdio servers exit) and its connection. */
  close(): Promise<void>;
}

export interface EnvWorkerOptions {
  /** Replaces some tools (tests inject failures); the rest come from the environment. */
  activities?: Partial<HarnessActivities>;
  /** Wraps every tool (evals script faults and reported usage per run); applied after `activities`. */
  wrapActivities?: (tools: HarnessActivities) => HarnessActivities;
  /** A model other than the environment's (tests). */
  model?: ModelProvider;
  /** The SDK's own SIGINT/SIGTERM handling by default; hosts that handle signals themselves pass []. */
  shutdownSignals?: NodeJS.Signals[];
  /** Aborts the wait for the server. */
  signal?: AbortSignal;
  /** Told once when the server does not answer yet. */
  onWaiting?: () => void;
}

/** What a worker registers of yours (see user-registration.ts). */
export interface UserRegistrations {
  /** Your own tools (`implementTool`), registered beside the built-in ones; default: HARNESS_TOOLS's exports. */
  tools?: readonly ToolImplementation[];
  /** False: only your tools (the research run's six are not registered). Default true. */
  builtinTools?: boolean;
  /** Your workflows module (a file that exports `defineWorkflow`s); default HARNESS_WORKFLOWS; neither: the harness's own workflows. */
  workflowsPath?: string;
  /** Your agents' model instead of the environment's (HARNESS_MODEL_*): a scripted model (`scriptedModel`), say. */
  chatModel?: ChatModel;
  /** MCP servers whose tools agents may use, by name; default: HARNESS_MCP_SERVERS's file. */
  mcpServers?: McpServersInput;
}

export async function workerFromEnv(env: HarnessEnv, options: EnvWorkerOptions & UserRegistrations = {}): Promise<EnvWorker> {
  // Read before connecting: a bad key setting or a mistake in what is registered is one line at once, not after the wait for a server.
  const dataConverter = harnessDataConverter(env);
  const builtins = options.builtinTools ?? true;
  const registered = registerTools(options.tools ?? (env.HARNESS_TOOLS ? toolsModule(env.HARNESS_TOOLS) : []), builtins);
  const workflowsPath = options.workflowsPath ?? (env.HARNESS_WORKFLOWS && path.resolve(env.HARNESS_WORKFLOWS));
  const mcpServers = await mcpServersOf(env, options.mcpServers);
  if (workflowsPath) checkWorkflowsModule(workflowsPath, registered.catalog, mcpServers);
  // Checked against every tool this worker has, so a default policy may govern the user's tools too;
  // entries for built-in tools a worker leaves out (builtinTools: false) are inert, not errors.
  const defaultPolicy = await loadPolicyFile(policyFileFor(env), new Map([...BUILTIN_TOOLS, ...registered.catalog]));
  const connection = await connectWorkerConnection(env, {
    waitMs: env.HARNESS_CONNECT_TIMEOUT_MS,
    signal: options.signal,
    onWaiting: options.onWaiting,
  });
  const mcp = Object.keys(mcpServers).length ? new McpConnections(mcpServers) : null;
  const close = async () => {
    await mcp?.close();
    await connection.close();
  };
  try {
    await registerSearchAttribute(env);
    const model = options.model ?? selectProvider(env);
    const faults = faultsFromEnv(env);
    const builtin: HarnessActivities = faults.apply({
      ...createActivities({
        outputRoot: env.HARNESS_OUTPUT_DIR,
        model,
        finalizeHooks: faults.finalizeHooks,
        defaultPolicy: async () => defaultPolicy,
      }),
      ...options.activities,
    });
    const tools = options.wrapActivities ? options.wrapActivities(builtin) : builtin;
    const modelTurn = modelTurnActivity(options.chatModel ?? selectChatModel(env));
    const activities = {
      ...(builtins ? tools : { load_default_policy: tools.load_default_policy }),
      [modelTurn.tool.name]: modelTurn.activity,
      ...registered.activities,
      ...(mcp ? mcpActivities(mcp) : {}),
    };
    const worker = await createHarnessWorker({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.HARNESS_TASK_QUEUE,
      activities,
      ...(workflowsPath ? { workflowsPath } : {}),
      tuning: tuningFromEnv(env),
      tracing: processTracing('worker'),
      dataConverter,
      ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    });
    return { worker, connection, model, defaultPolicy, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The option's servers, else the file's; checked either way, a mistake one line. */
async function mcpServersOf(env: HarnessEnv, given: McpServersInput | undefined): Promise<McpServers> {
  if (given === undefined) return env.HARNESS_MCP_SERVERS ? readMcpServersFile(env.HARNESS_MCP_SERVERS) : {};
  const parsed = McpServers.safeParse(given);
  if (!parsed.success) throw new ConfigError(`mcpServers: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
