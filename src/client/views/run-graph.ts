/**
 * `harness workflow`: the research run as a graph of steps, gates, the pause for an operator and
 * the ends, derived from the run's step list, the tool registry and a policy (which tools have a
 * gate, which may be denied, whether a gate escalates, whether a token budget can pause the run).
 */
import { Policy, toolPolicy } from '../../shared/policy';
import { RUN_STEPS } from '../../shared/run-steps';
import { TOOLS, ToolName } from '../../shared/tools';

export type NodeKind = 'start' | 'step' | 'gate' | 'pause' | 'end';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  tool?: ToolName;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** The trace event that marks this transition in a run's trace. */
  event: string;
  label: string;
}

export interface RunGraph {
  workflowType: 'researchRun';
  policy: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const END_NODES: GraphNode[] = [
  { id: 'completed', kind: 'end', label: 'completed' },
  { id: 'rejected', kind: 'end', label: 'rejected: nothing written' },
  { id: 'failed', kind: 'end', label: 'failed' },
  { id: 'cancelled', kind: 'end', label: 'cancelled: nothing written' },
];

export function runGraph(policy: Policy): RunGraph {
  const nodes: GraphNode[] = [{ id: 'start', kind: 'start', label: 'run started' }];
  const edges: GraphEdge[] = [];
  const edge = (from: string, to: string, event: string, label = event) => edges.push({ from, to, event, label });
  const budgeted = policy.budget !== undefined;
  let previous = { id: 'start', event: 'run_created' };
  for (const { tool, does, failsRunWhen } of RUN_STEPS) {
    const rules = toolPolicy(policy, tool);
    nodes.push({ id: tool, kind: 'step', label: `${tool}: ${does}`, tool });
    let entry: string = tool;
    if (rules.approval === 'required') {
      const gate = `gate_${tool}`;
      nodes.push({ id: gate, kind: 'gate', label: `approval before ${tool}`, tool });
      edge(
        gate,
        tool,
        'approval_granted',
        `approval_granted (${rules.minApprovals} of ${rules.approvers.length ? rules.approvers.join(', ') : 'anyone'})`,
      );
      edge(gate, 'rejected', 'approval_rejected');
      if (rules.timeout && rules.onTimeout === 'escalate')
        edge(gate, gate, 'approval_escalated', `approval_escalated after ${rules.timeout}`);
      else if (rules.timeout) edge(gate, 'rejected', 'approval_expired', `approval_expired after ${rules.timeout}`);
      entry = gate;
    }
    edge(previous.id, entry, previous.event);
    // The policy is checked before the step (and before its gate opens).
    if (!rules.enabled || rules.rules.length)
      edge(previous.id, 'failed', 'policy_denied', `policy_denied: ${tool}${rules.enabled ? '' : ' is disabled'}`);
    edge(tool, 'paused', 'run_paused', 'run_paused: failed after retries');
    edge('paused', tool, 'run_resumed', `run_resumed: retry ${tool}`);
    if (budgeted && TOOLS[tool].category === 'model_generation') edge(tool, 'paused', 'run_paused', 'run_paused: token budget exceeded');
    if (failsRunWhen) edge(tool, 'failed', 'run_failed', failsRunWhen);
    previous = { id: tool, event: 'tool_ok' };
  }
  edge(previous.id, 'completed', 'run_completed');
  nodes.push({ id: 'paused', kind: 'pause', label: 'paused for an operator' }, ...END_NODES);
  edge('paused', 'failed', 'run_aborted');
  edge('start', 'cancelled', 'run_cancelled', 'run_cancelled: Temporal cancellation, at any step');
  return { workflowType: 'researchRun', policy: policy.name, nodes, edges };
}

const SHAPES: Record<NodeKind, [string, string]> = {
  start: ['((', '))'],
  step: ['[', ']'],
  gate: ['{', '}'],
  pause: ['[/', '/]'],
  end: ['([', '])'],
};

/** Mermaid text is code: labels are quoted, and quotes in them become Mermaid's entity. */
const quoted = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

export function graphToMermaid({ nodes, edges }: Pick<RunGraph, 'nodes' | 'edges'>): string {
  return [
    'flowchart TD',
    ...nodes.map((n) => `  ${n.id}${SHAPES[n.kind][0]}${quoted(n.label)}${SHAPES[n.kind][1]}`),
    ...edges.map((e) => `  ${e.from} -->|${quoted(e.label)}| ${e.to}`),
  ].join('\n');
}
