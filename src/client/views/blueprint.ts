/**
 * `harness blueprint`: the harness's architecture as data, from the same sources as everything
 * else: components (each naming the module that implements it; a test checks they exist), the tool
 * registry with categories, risk, mode and retries, the policy, the step graph, what is persisted
 * where, and what the harness does not do.
 */
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE, WORKFLOW_TYPE } from '../../shared/constants';
import { executionOf } from '../../shared/execution';
import { Policy, toolPolicy } from '../../shared/policy';
import { TOOLS, TOOL_NAMES } from '../../shared/tools';
import { graphToMermaid, runGraph } from './run-graph';

export const COMPONENTS = [
  { id: 'cli', label: 'harness CLI', module: 'src/client/cli', does: 'start, follow, inspect, decide, export' },
  { id: 'client', label: 'client API', module: 'src/client/api', does: 'start runs, read state, send decisions, replay closed runs' },
  { id: 'temporal', label: 'Temporal server', module: 'src/dev-server', does: 'durable history, timers, task queues, visibility, Web UI' },
  { id: 'worker', label: 'worker', module: 'src/worker', does: 'polls the task queue, runs workflow tasks and tools' },
  {
    id: 'workflow',
    label: 'researchRun workflow',
    module: 'src/workflows',
    does: 'steps, policy checks, gates, pauses, trace (deterministic)',
  },
  { id: 'tools', label: 'tools (activities)', module: 'src/activities', does: 'search, extract, model calls, the report write' },
  { id: 'policy', label: 'policy', module: 'src/shared/policy.ts', does: 'who may run and approve what, limits' },
  { id: 'model', label: 'model provider', module: 'src/activities/model', does: 'offline or OpenAI-compatible chat' },
] as const;

const LINKS: [string, string, string][] = [
  ['cli', 'client', 'calls'],
  ['client', 'temporal', 'gRPC: start, query, update, signal'],
  ['worker', 'temporal', 'polls'],
  ['worker', 'workflow', 'runs'],
  ['worker', 'tools', 'runs'],
  ['workflow', 'policy', 'evaluates'],
  ['tools', 'model', 'calls'],
];

/** Where each artifact lives; files under the output root (the seed's runs folder). */
export const artifacts = (outputRoot = '$HARNESS_OUTPUT_DIR') => [
  { what: 'run history (input, every step, decision, timer)', where: 'Temporal (SQLite in the embedded dev server)' },
  { what: 'run status for list/inbox', where: 'search attribute HarnessStatus' },
  { what: 'the open gate (digest, approvers)', where: "the run's memo, readable without a worker" },
  { what: 'the approved report', where: `${outputRoot}/<run id>/final_report.md` },
  { what: 'exports (state, trace, summary, trace_summary, memory)', where: `${outputRoot}/<run id>/*.json by \`harness export\`` },
];

export const LIMITATIONS = [
  "the research run's step list is fixed: a policy can gate, deny or budget its steps, not add them (an agent, or a workflow of your own, chooses its own: docs/agents.md, docs/tools-and-workflows.md)",
  'retrieval memory ranks by shared words (no embeddings, no stemming)',
  'token counts are what the endpoint reports; steps that report none are counted apart, never estimated',
  'identities are asserted by the client (HARNESS_IDENTITY or --as), not authenticated',
  'the offline provider drafts from the extracted sentences; it does not reason',
];

export function blueprint(policy: Policy, policyDigest: string | null, outputRoot?: string) {
  return {
    name: 'durable-harness',
    runtime: { engine: 'Temporal', workflowType: WORKFLOW_TYPE, defaultTaskQueue: DEFAULT_TASK_QUEUE, defaultNamespace: DEFAULT_NAMESPACE },
    components: COMPONENTS,
    tools: TOOL_NAMES.map((name) => {
      const tool = TOOLS[name];
      const rules = toolPolicy(policy, name);
      return {
        name,
        description: tool.description,
        category: tool.category,
        risky: tool.risky,
        execution: executionOf(name, rules.execution, undefined),
        approval: rules.approval,
        enabled: rules.enabled,
        maximumAttempts: tool.retry.maximumAttempts,
        startToCloseTimeoutMs: tool.startToCloseTimeoutMs,
      };
    }),
    policy: { name: policy.name, digest: policyDigest, description: policy.description ?? null, budget: policy.budget ?? null },
    workflow: runGraph(policy),
    artifacts: artifacts(outputRoot),
    limitations: LIMITATIONS,
  };
}
export type Blueprint = ReturnType<typeof blueprint>;

export function blueprintToMarkdown(b: Blueprint): string {
  const table = (head: string[], rows: unknown[][]) =>
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`),
    ].join('\n');
  return [
    `# ${b.name} blueprint`,
    '',
    `Runs on ${b.runtime.engine}: workflow \`${b.runtime.workflowType}\`, task queue \`${b.runtime.defaultTaskQueue}\`, namespace \`${b.runtime.defaultNamespace}\`. Policy \`${b.policy.name}\`${b.policy.digest ? ` (sha256 ${b.policy.digest.slice(0, 12)}…)` : ''}.`,
    '',
    '## Components',
    '',
    table(
      ['component', 'module', 'does'],
      b.components.map((c) => [c.label, `\`${c.module}\``, c.does]),
    ),
    '',
    '## Tools',
    '',
    table(
      ['tool', 'category', 'risky', 'mode', 'approval', 'attempts'],
      b.tools.map((t) => [
        `\`${t.name}\``,
        t.category,
        t.risky ? 'yes' : 'no',
        t.execution,
        t.enabled ? t.approval : 'disabled',
        t.maximumAttempts,
      ]),
    ),
    '',
    '## Steps',
    '',
    '```mermaid',
    graphToMermaid(b.workflow),
    '```',
    '',
    '## Persisted',
    '',
    table(
      ['what', 'where'],
      b.artifacts.map((a) => [a.what, a.where]),
    ),
    '',
    '## Limitations',
    '',
    ...b.limitations.map((l) => `- ${l}`),
    '',
  ].join('\n');
}

/** The component diagram, with each tool under the tools component. */
export function blueprintToMermaid(b: Blueprint): string {
  const quoted = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
  return [
    'flowchart LR',
    ...b.components.map((c) => `  ${c.id}[${quoted(`${c.label}<br/>${c.module}`)}]`),
    ...LINKS.map(([from, to, label]) => `  ${from} -->|${quoted(label)}| ${to}`),
    ...b.tools.map((t) => `  tool_${t.name}([${quoted(`${t.name}<br/>${t.category}${t.risky ? ', risky' : ''}, ${t.execution}`)}])`),
    ...b.tools.map((t) => `  tools --- tool_${t.name}`),
  ].join('\n');
}
