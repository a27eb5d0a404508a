/** `harness workflow`: the research run's step graph under a policy, as JSON or Mermaid. */
import { readEnv } from '../../../config/env';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import { graphToMermaid, runGraph } from '../../views/run-graph';
import { printJson } from '../format';
import { say } from '../terminal';

/** `--runs-dir` is taken as the seed's other commands take it; the graph does not depend on where runs are kept. */
export async function workflowCommand(options: {
  format: 'json' | 'mermaid';
  policy?: string;
  json?: boolean;
  pretty?: boolean;
  runsDir?: string;
}): Promise<void> {
  const { policy } = await loadPolicyFile(policyFileFor(readEnv(), options.policy));
  const graph = runGraph(policy);
  if (options.json || options.pretty) printJson(graph);
  else if (options.format === 'mermaid') say(`${graphToMermaid(graph)}\n`);
  else printJson(graph);
}
