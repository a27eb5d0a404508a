/** `harness import DIR [ID...]`: runs kept as files (the seed harness's, or exports) brought into Temporal. */
import { readEnv } from '../../../config/env';
import { loadPolicyFile, policyFileFor } from '../../../config/policy-file';
import { importRuns } from '../../api/import-runs';
import { targetOf } from '../../api/runs';
import { withClient } from '../../api/with-client';
import { printJson } from '../format';
import { identity } from '../identity';
import { say, warn } from '../terminal';

export async function importCommand(dir: string, ids: string[], options: { policy?: string; as?: string; json?: boolean }): Promise<void> {
  const policy = await loadPolicyFile(policyFileFor(readEnv(), options.policy));
  await withClient(async (h) => {
    const outcomes = await importRuns(targetOf(h), dir, { ids, policy, startedBy: identity(h.env, options.as) });
    if (options.json) printJson({ runs: outcomes });
    else
      for (const o of outcomes) {
        const line = `${o.runId}\t${o.outcome}\t${o.status}${o.reason ? `\t${o.reason}` : ''}\n`;
        if (o.outcome === 'refused') warn(line);
        else say(line);
      }
    if (outcomes.some((o) => o.outcome === 'refused')) process.exitCode = 1;
  });
}
