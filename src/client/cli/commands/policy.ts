/** `harness policy`: the effective policy a new run would snapshot, and its digest. */
import path from 'node:path';
import { readEnv } from '../../../config/env';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import { importSeedPolicy } from '../../../config/seed-policy';
import { HarnessError } from '../../api/harness-error';
import { FileRefusedError } from '../../../files/file-refused';
import { parseJsonText, readRegularFile } from '../../../files/read-regular-file';
import { MAX_POLICY_BYTES } from '../../../shared/policy';
import { executionOf } from '../../../shared/execution';
import { eligibleApprovers, toolPolicy } from '../../../shared/policy';
import { TOOL_NAMES } from '../../../shared/tools';
import { keyFingerprint } from '../../../shared/signed-decision';
import { printJson } from '../format';
import { say, warn } from '../terminal';

export async function policyCommand(options: {
  file?: string;
  import?: string;
  json?: boolean;
  pretty?: boolean;
  runsDir?: string;
}): Promise<void> {
  const json = options.json || options.pretty;
  if (options.import !== undefined) return importCommand(options.import, json);
  const env = readEnv();
  const loaded = await loadPolicyFile(policyFileFor(env, options.file));
  // Write roots are relative to the output root, the seed's runs folder.
  const outputRoot = path.resolve(options.runsDir ?? env.HARNESS_OUTPUT_DIR);
  if (json) return printJson({ ...loaded, outputRoot });
  const { policy } = loaded;
  const lines = [
    `policy ${policy.name} (sha256 ${loaded.digest})`,
    `file   ${loaded.source}`,
    `root   ${outputRoot} (write roots are under it)`,
  ];
  if (policy.description) lines.push(`       ${policy.description}`);
  for (const [role, members] of Object.entries(policy.roles)) lines.push(`role   ${role}: ${members.join(', ')}`);
  for (const [person, keys] of Object.entries(policy.publicKeys)) lines.push(`key    ${person}: ${keys.map(keyFingerprint).join(', ')}`);
  for (const tool of TOOL_NAMES) {
    const rules = toolPolicy(policy, tool);
    const parts = [
      rules.enabled ? rules.category : 'DISABLED',
      executionOf(tool, rules.execution, undefined),
      `approval ${rules.approval}`,
    ];
    if (rules.approval === 'required') {
      const who = eligibleApprovers(policy, tool, false);
      parts.push(
        `${rules.minApprovals} of ${who ? who.join('|') : 'anyone'}`,
        rules.allowSelfApproval ? 'self-approval allowed' : 'no self-approval',
      );
      if (rules.requireSignedApprovals) parts.push('signed decisions only');
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

/** The seed's JSON policy as our YAML on stdout (to redirect into a file); what did not map goes to stderr too. */
async function importCommand(file: string, json: boolean | undefined): Promise<void> {
  let raw: unknown;
  try {
    raw = parseJsonText((await readRegularFile(file, { what: 'seed policy', maxBytes: MAX_POLICY_BYTES })).text, `seed policy ${file}`);
  } catch (err) {
    throw err instanceof FileRefusedError ? new HarnessError(err.message) : err;
  }
  const imported = importSeedPolicy(raw, file);
  if (json) return printJson({ policy: imported.policy, notes: imported.notes });
  say(imported.yaml);
  for (const note of imported.notes) warn(`note: ${note}\n`);
}
