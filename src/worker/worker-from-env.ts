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
import type { HarnessActivities } from '../shared/tools';
import type { ToolImplementation } from '../activities/define-tool-activity';
import { processTracing } from '../telemetry/tracing';
import { connectWorkerConnection } from '../temporal-connection';
import { createHarnessWorker, tuningFromEnv } from './create-worker';
import { faultsFromEnv } from './fault-injection';
import { registerSearchAttribute } from './register-search-attribute';
import { checkWorkflowsModule, registerTools } from './user-registration';

export interface EnvWorker {
  worker: Worker;
  connection: NativeConnection;
  model: ModelProvider;
  defaultPolicy: LoadedPolicy;
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
}

export async function workerFromEnv(env: HarnessEnv, options: EnvWorkerOptions & UserRegistrations = {}): Promise<EnvWorker> {
  // Read before connecting: a bad key setting or a mistake in what is registered is one line at once, not after the wait for a server.
  const dataConverter = harnessDataConverter(env);
  const builtins = options.builtinTools ?? true;
  const registered = registerTools(options.tools ?? (env.HARNESS_TOOLS ? toolsModule(env.HARNESS_TOOLS) : []), builtins);
  const workflowsPath = options.workflowsPath ?? (env.HARNESS_WORKFLOWS && path.resolve(env.HARNESS_WORKFLOWS));
  if (workflowsPath) checkWorkflowsModule(workflowsPath, registered.catalog);
  // Checked against every tool this worker has, so a default policy may govern the user's tools too.
  const defaultPolicy = await loadPolicyFile(policyFileFor(env), registered.catalog);
  const connection = await connectWorkerConnection(env, {
    waitMs: env.HARNESS_CONNECT_TIMEOUT_MS,
    signal: options.signal,
    onWaiting: options.onWaiting,
  });
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
    return { worker, connection, model, defaultPolicy };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
