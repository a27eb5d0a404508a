/** Names both sides of the wire agree on: task queue, namespace, search attribute, workflow type. */
export const DEFAULT_TASK_QUEUE = 'harness';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_UI_PORT = 8233;
/** `harness ui`, the approvals page. */
export const DEFAULT_APPROVALS_PORT = 7466;
export const DEFAULT_OUTPUT_DIR = '.runs';
export const REPORT_FILE_NAME = 'final_report.md';
export const WORKFLOW_TYPE = 'researchRun';
/** One tool as a durable workflow (`harness mcp call`). */
export const TOOL_CALL_WORKFLOW_TYPE = 'toolCall';
/** A run of the seed harness (or an export) brought into Temporal (`harness import`). */
export const IMPORTED_RUN_WORKFLOW_TYPE = 'importedRun';
/** The roles of a multi-role run, each a child workflow of the research run. */
export const ROLE_WORKFLOW_TYPES = { planner: 'plannerRole', executor: 'executorRole', reviewer: 'reviewerRole' } as const;
/** Keyword search attribute that mirrors a run's status, so visibility queries can find runs by it. */
export const STATUS_SEARCH_ATTRIBUTE = 'HarnessStatus';
/**
 * Visibility's filter for every governed run, whatever its workflow type (research runs, tool
 * calls, a user's workflows, roles): the kernel sets HarnessStatus from its first task. The inbox
 * uses it: a role's child workflow may wait at a gate a policy put inside the role.
 */
export const WAITING_RUNS_QUERY = `${STATUS_SEARCH_ATTRIBUTE} IS NOT NULL`;
/** The same without roles, whose runs are part of their parent's (list, --latest, the gauges). */
export const HARNESS_RUNS_QUERY = `${WAITING_RUNS_QUERY} AND WorkflowType NOT IN (${Object.values(ROLE_WORKFLOW_TYPES)
  .map((t) => `'${t}'`)
  .join(', ')})`;
/** Workflow ids become a folder name under the output root, so they are kept to a safe alphabet. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** `harness codec-server`, and the one `harness server` starts when the payload codec is on. */
export const DEFAULT_CODEC_SERVER_PORT = 8888;
