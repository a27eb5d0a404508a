/** The role handoffs of a run, as `harness handoffs` and the export's handoffs.json show them. */
import type { RunSnapshot } from '../../shared/run-snapshot';

export function runHandoffs({ state }: RunSnapshot) {
  const roles = state.roles;
  const activity = state.trace.filter((e) => e.type === 'role_activity').map((e) => ({ at: e.at, ...(e.data as object) }));
  return {
    runId: state.runId,
    runMode: roles ? ('multi_agent' as const) : ('single' as const),
    currentRole: roles?.current ?? null,
    handoffCount: roles?.handoffs.length ?? 0,
    handoffs: roles?.handoffs ?? [],
    roleActivity: activity,
  };
}
export type RunHandoffs = ReturnType<typeof runHandoffs>;
