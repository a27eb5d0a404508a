/**
 * `durable-harness/workflow`: what a workflows module imports. Sandbox-safe. Importing it also
 * installs the run observers (Temporal Web's current details, the run log, the run metrics).
 */
import './observers/run-details';
import './observers/run-log';
import './observers/run-metrics';

export * from '../shared/public';
export { defineWorkflow, HARNESS_INPUT_KEY } from './kernel/define-workflow';
export type {
  DeclaredWorkflow,
  WorkflowContext,
  WorkflowDeclaration,
  WorkflowDescription,
  WorkflowInput,
  WorkflowResult,
} from './kernel/define-workflow';
export { AgentInput, defineAgent } from './agent/define-agent';
export type { AgentDeclaration, AgentLimits, AgentSession, AgentOutput, AgentStop, DeclaredAgent } from './agent/define-agent';
export { harnessRun } from './kernel/harness-run';
export type { Parsed, RunDescription, RunKernel, RunSpec } from './kernel/harness-run';
/** The harness's own workflows, for a worker that runs them beside yours (roles are the research run's children). */
export { researchRun } from './research/research-run';
export { executorRole, plannerRole, reviewerRole } from './research/roles';
export { toolCall } from './tool-call';
export { importedRun } from './imported-run';
