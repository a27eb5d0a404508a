/** `harness blueprint`: the harness's architecture, tools, policy, steps, artifacts and limits. */
import { readEnv } from '../../../config/env';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import { blueprint, blueprintToMarkdown, blueprintToMermaid } from '../../views/blueprint';
import { printJson } from '../format';
import { say } from '../terminal';

export async function blueprintCommand(options: {
  format: 'json' | 'markdown' | 'mermaid';
  policy?: string;
  json?: boolean;
  pretty?: boolean;
  runsDir?: string;
}): Promise<void> {
  const loaded = await loadPolicyFile(policyFileFor(readEnv(), options.policy));
  const view = blueprint(loaded.policy, loaded.digest, options.runsDir);
  if (options.json || options.pretty) printJson(view);
  else if (options.format === 'markdown') say(blueprintToMarkdown(view));
  else if (options.format === 'mermaid') say(`${blueprintToMermaid(view)}\n`);
  else printJson(view);
}
