/** Names both sides of the wire agree on: task queue, namespace, search attribute, workflow type. */
export const DEFAULT_TASK_QUEUE = 'harness';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_UI_PORT = 8233;
export const DEFAULT_OUTPUT_DIR = '.runs';
export const REPORT_FILE_NAME = 'final_report.md';
export const WORKFLOW_TYPE = 'researchRun';
/** One tool as a durable workflow (`harness mcp call`). */
export const TOOL_CALL_WORKFLOW_TYPE = 'toolCall';
/** Visibility's filter for the harness's own runs, research runs and tool calls alike (list, inbox, --latest). */
export const HARNESS_RUNS_QUERY = `WorkflowType IN ('${WORKFLOW_TYPE}', '${TOOL_CALL_WORKFLOW_TYPE}')`;
/** The roles of a multi-role run, each a child workflow of the research run. */
export const ROLE_WORKFLOW_TYPES = { planner: 'plannerRole', executor: 'executorRole', reviewer: 'reviewerRole' } as const;
/** The inbox also shows a role's child workflow waiting at a gate a policy put inside the role. */
export const WAITING_RUNS_QUERY = `WorkflowType IN (${[WORKFLOW_TYPE, TOOL_CALL_WORKFLOW_TYPE, ...Object.values(ROLE_WORKFLOW_TYPES)].map((t) => `'${t}'`).join(', ')})`;
/** Keyword search attribute that mirrors a run's status, so visibility queries can find runs by it. */
export const STATUS_SEARCH_ATTRIBUTE = 'HarnessStatus';
/** Workflow ids become a folder name under the output root, so they are kept to a safe alphabet. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** `harness codec-server`, and the one `harness server` starts when the payload codec is on. */
export const DEFAULT_CODEC_SERVER_PORT = 8888;
