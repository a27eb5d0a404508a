/**
 * The run metrics, emitted from workflow code through the SDK's workflow metric meter: it drops
 * every value while the workflow replays, so a run evicted, resumed on another worker or rebuilt
 * for a query is never counted twice. Names and labels are listed in docs/observability.md ("Metrics").
 */
import { metricMeter } from '@temporalio/workflow';
import type { RunState, TraceEvent } from '../../shared/run';
import { TERMINAL_STATUSES } from '../../shared/run';
import { observeRuns } from '../kernel/run-observers';

/** Created at first use: the meter only works inside a workflow, not when the bundle loads. */
let instruments: ReturnType<typeof createInstruments> | undefined;
const metrics = () => (instruments ??= createInstruments());

function createInstruments() {
  return {
    runsStarted: metricMeter.createCounter('harness_runs_started', 'runs', 'Runs, roles and tool calls started (workflowType)'),
    runsEnded: metricMeter.createCounter('harness_runs_ended', 'runs', 'Runs ended, by status'),
    gateWait: metricMeter.createHistogram(
      'harness_gate_wait_seconds',
      'float',
      's',
      'How long a gate waited for its decision, by tool and outcome',
    ),
    approvals: metricMeter.createCounter(
      'harness_approvals',
      'decisions',
      'Gate decisions by outcome: approved, rejected, expired, recorded (one vote of a quorum)',
    ),
    refusals: metricMeter.createCounter(
      'harness_refusals',
      'decisions',
      'Decisions the run refused (wrong digest, not eligible, self-approval…), by kind',
    ),
    gateTimeouts: metricMeter.createCounter(
      'harness_gate_timeouts',
      'gates',
      "Gates that reached their policy's timeout, by action (escalated, expired)",
    ),
    policyDenials: metricMeter.createCounter('harness_policy_denials', 'calls', 'Tool calls a policy denied, by tool and policy'),
    tokens: metricMeter.createCounter('harness_tokens', 'tokens', 'Model tokens by tool, model and kind (prompt, completion)'),
  };
}

const GATE_OUTCOMES: Partial<Record<TraceEvent['type'], string>> = {
  approval_granted: 'approved',
  approval_rejected: 'rejected',
  approval_expired: 'expired',
};

/** When the tool's gate opened: its last approval_required event. */
function gateOpenedAt(state: RunState, tool: string | undefined): number | null {
  for (let i = state.trace.length - 1; i >= 0; i--) {
    const e = state.trace[i];
    if (e.type === 'approval_required' && e.tool === tool) return Date.parse(e.at);
  }
  return null;
}

function onEvent(event: TraceEvent, state: RunState): void {
  const { runsStarted, approvals, gateWait, refusals, gateTimeouts, policyDenials, tokens } = metrics();
  const tool = event.tool ?? 'none';
  const data = (event.data ?? {}) as Record<string, unknown>;
  const outcome = GATE_OUTCOMES[event.type];
  if (outcome) {
    approvals.add(1, { tool, outcome });
    const openedAt = gateOpenedAt(state, event.tool);
    if (openedAt !== null) gateWait.record((Date.parse(event.at) - openedAt) / 1000, { tool, outcome });
  }
  switch (event.type) {
    case 'run_created':
      return runsStarted.add(1, {});
    case 'approval_recorded':
      return approvals.add(1, { tool, outcome: 'recorded' });
    case 'approval_refused':
    case 'operator_refused':
      return refusals.add(1, { kind: event.type });
    case 'approval_escalated':
      return gateTimeouts.add(1, { tool, action: 'escalated' });
    case 'approval_expired':
      return gateTimeouts.add(1, { tool, action: 'expired' });
    case 'policy_denied':
      return policyDenials.add(1, { tool, policy: String(data.policy ?? 'unknown') });
    case 'tokens_used': {
      const model = state.provider ?? 'unknown';
      if (typeof data.promptTokens === 'number') tokens.add(data.promptTokens, { tool, model, kind: 'prompt' });
      if (typeof data.completionTokens === 'number') tokens.add(data.completionTokens, { tool, model, kind: 'completion' });
      return;
    }
    default:
      return;
  }
}

observeRuns({
  event: onEvent,
  status: (status) => {
    if (TERMINAL_STATUSES.includes(status)) metrics().runsEnded.add(1, { status });
  },
});
