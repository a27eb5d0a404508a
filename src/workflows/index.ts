/** Entry point of the workflow bundle: every workflow type the worker registers. */
import './run-details';
import './run-log';
import './run-metrics';
export { researchRun } from './research-run';
export { toolCall } from './tool-call';
export { executorRole, plannerRole, reviewerRole } from './roles';
