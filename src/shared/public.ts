/**
 * `durable-harness`: what is safe wherever code runs (workflow sandbox, worker, client): tool
 * declarations, the policy schema, the run's messages and the shape of its state.
 */
export {
  ACTION_CATEGORIES,
  defineTool,
  describeZodError,
  EditRefused,
  NON_RETRYABLE,
  retryPolicy,
  toolCatalog,
  ToolRegistrationError,
} from './tool-contract';
export type {
  ActionCategory,
  AnyTool,
  EditedCall,
  GateEdit,
  GateEditEnv,
  InputOf,
  OutputOf,
  ToolCatalog,
  ToolContract,
  ToolDeclaration,
  ToolGate,
  ToolRetryPolicy,
} from './tool-contract';
export { TOOLS as RESEARCH_TOOLS } from './tools';
export { AgentMessage, conversationQuery, MODEL_TURN, ModelSettings, ModelToolCall, SendPayload, sendUpdate } from './agent-model';
export type { AgentConversation, ModelTurnInput, ModelTurnOutput, SendOutcome } from './agent-model';
export { toolTable } from './tool-table';
export { BUILTIN_POLICY, Policy, policySchema } from './policy';
export type { CallFacts, PolicyInput, UnknownTools } from './policy';
export {
  abortSignal,
  abortUpdate,
  approveSignal,
  approveUpdate,
  awaitEventsUpdate,
  awaitGateUpdate,
  pendingQuery,
  rejectSignal,
  rejectUpdate,
  resumeSignal,
  resumeUpdate,
  snapshotQuery,
  stateQuery,
  traceQuery,
} from './messages';
export type { EventsWait, GateWait, UpdateOutcome } from './messages';
export { ApprovePayload, OperatorPayload, RejectPayload, RUN_STATUSES, TERMINAL_STATUSES, TRACE_EVENT_TYPES } from './run';
export type { Approval, Decision, GateRecord, PendingAction, RunState, RunStatus, StepResult, TraceEvent, TraceEventType } from './run';
export type { RunSnapshot } from './run-snapshot';
