/** `durable-harness/worker`: tool implementations and the worker that runs them with your workflows. */
export { implementTool, INVALID_OUTPUT } from '../activities/define-tool-activity';
export type { ToolImplementation } from '../activities/define-tool-activity';
export { readEnv } from '../config/env';
export type { HarnessEnv } from '../config/env';
export { loadPolicyFile } from '../config/policy-file';
export type { LoadedPolicy } from '../config/policy-file';
export { runWorker } from './run-worker';
export { workerFromEnv } from './worker-from-env';
export type { EnvWorker, EnvWorkerOptions, UserRegistrations } from './worker-from-env';
export { offlineChatModel, scriptedModel } from '../activities/model/chat-model';
export type { ChatModel, ChatTurn, ScriptedTurn } from '../activities/model/chat-model';
export { openAIChatModel } from '../activities/model/openai-chat-model';
