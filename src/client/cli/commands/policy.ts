/** `harness policy`: the effective policy a new run would snapshot, and its digest. */
import { readEnv } from '../../../config/env';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import { executionOf } from '../../../shared/execution';
import { eligibleApprovers, toolPolicy } from '../../../shared/policy';
import { TOOL_NAMES } from '../../../shared/tools';
import { printJson } from '../format';
import { say } from '../terminal';

export async function policyCommand(options: { file?: string; json?: boolean }): Promise<void> {
  const loaded = await loadPolicyFile(policyFileFor(readEnv(), options.file));
  if (options.json) return printJson(loaded);
  const { policy } = loaded;
  const lines = [`policy ${policy.name} (sha256 ${loaded.digest})`, `file   ${loaded.source}`];
  if (policy.description) lines.push(`       ${policy.description}`);
  for (const [role, members] of Object.entries(policy.roles)) lines.push(`role   ${role}: ${members.join(', ')}`);
  for (const tool of TOOL_NAMES) {
    const rules = toolPolicy(policy, tool);
    const parts = [rules.enabled ? rules.category : 'DISABLED', executionOf(tool, rules.execution, undefined), `approval ${rules.approval}`];
    if (rules.approval === 'required') {
      const who = eligibleApprovers(policy, tool, false);
      parts.push(
        `${rules.minApprovals} of ${who ? who.join('|') : 'anyone'}`,
        rules.allowSelfApproval ? 'self-approval allowed' : 'no self-approval',
      );
      if (rules.timeout)
        parts.push(
          `expires ${rules.timeout} → ${rules.onTimeout}${rules.onTimeout === 'escalate' ? ` to ${rules.escalateTo.join('|')}` : ''}`,
        );
    }
    if (rules.writeRoots) parts.push(`write roots ${rules.writeRoots.join(', ')}`);
    for (const rule of rules.rules)
      parts.push(rule.deny === 'topic_matches' ? `deny topic /${rule.pattern}/${rule.flags ?? ''}` : 'deny paths outside roots');
    lines.push(`tool   ${tool.padEnd(16)} ${parts.join('; ')}`);
  }
  say(`${lines.join('\n')}\n`);
}
