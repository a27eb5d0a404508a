/**
 * A run brought into Temporal from files (`harness import`): a seed harness run folder or an export,
 * as the snapshot every read command shows. The run carries that record in its input, so it lists,
 * reads and replays like any other; one waiting at its gate waits here too, for the same report.
 */
import { z } from 'zod';
import { PersonName } from './identity';
import { Policy } from './policy';
import { StoredSnapshot } from './run-snapshot';

export { IMPORTED_RUN_WORKFLOW_TYPE } from './constants';

export const ImportedRunInput = z
  .object({
    /** Where the record came from, as the importer named it (a folder). */
    from: z.string().min(1).max(500),
    snapshot: StoredSnapshot,
    policy: Policy.optional(),
    policyDigest: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    startedBy: PersonName.optional(),
  })
  .strict();
export type ImportedRunInput = z.input<typeof ImportedRunInput>;
