/** Entry point of the workflow bundle: every workflow type the worker registers. */
import './observers/run-details';
import './observers/run-log';
import './observers/run-metrics';
export { researchRun } from './research/research-run';
export { toolCall } from './tool-call';
export { executorRole, plannerRole, reviewerRole } from './research/roles';
export { importedRun } from './imported-run';
