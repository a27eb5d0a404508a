/** Which run a per-run command is about: the id given, or `--latest`; exactly one of the two. */
import { HarnessError } from '../api/harness-error';
import { latestRunId } from '../api/latest-run';
import { withClient } from '../api/with-client';

export async function runIdFrom(id: string | undefined, latest: boolean | undefined): Promise<string> {
  if (id && latest) throw new HarnessError('give a run id or --latest, not both');
  if (id) return id;
  if (!latest) throw new HarnessError('which run? give its id, or --latest for the most recently started one');
  return withClient(latestRunId);
}
