/** Exit codes of commands that wait on a run (`result`, `watch`, `start --wait`): how it ended or paused. */
import type { RunStatus } from '../../shared/run';

export const EXIT_CODES: Record<Exclude<RunStatus, 'running'>, number> = {
  completed: 0,
  failed: 1,
  waiting_approval: 2,
  rejected: 3,
  paused_on_error: 4,
  cancelled: 5,
  terminated: 6,
  timed_out: 7,
};
