/**
 * Renders a followed run: trace events as they happen and, on a terminal, a spinner with the
 * current step; ends with one line saying how the run stopped and what to do next.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { RunState } from '../../shared/run';
import { TOOL_NAMES } from '../../shared/tools';
import type { HarnessClient } from '../api/connect';
import { followRun } from '../api/follow-run';
import { EXIT_CODES } from './exit-codes';
import { formatTraceEvent } from './format';
import { safeText } from './terminal';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function progressLine(state: RunState, frame: number): string {
  const done = state.steps.filter((s) => s.status === 'ok').length;
  const current = state.steps[state.steps.length - 1];
  const active = state.activeTools?.find((t) => t.tool === current?.tool);
  const attempts = Math.max(current?.attempts ?? 1, active?.attempt ?? 1);
  const attempt = active?.paused ? ' paused by an operator' : current?.status === 'running' && attempts > 1 ? ` attempt ${attempts}` : '';
  const width = TOOL_NAMES.length;
  const bar = '█'.repeat(done) + '░'.repeat(Math.max(0, width - done));
  return `${FRAMES[frame % FRAMES.length]} [${bar}] ${done}/${width} ${state.currentStep ?? 'starting'}${attempt}`;
}

function closingLine(state: RunState): string {
  switch (state.status) {
    case 'waiting_approval':
      return `waiting for approval of ${state.pendingAction?.tool ?? 'a tool call'}: harness pending ${state.runId}, then harness approve|reject ${state.runId}`;
    case 'completed':
      return `completed: ${state.artifacts.report?.path}`;
    case 'paused_on_error':
      return `paused on error in ${state.pausedOn?.tool}: ${state.pausedOn?.error}; harness resume|abort ${state.runId}`;
    case 'cancelled':
      return 'cancelled: nothing was written';
    case 'terminated':
    case 'timed_out':
      return `${state.status.replace('_', ' ')}: ${state.error}`;
    case 'rejected':
      return `rejected by ${state.decision?.approver}${state.decision?.reason ? `: ${state.decision.reason}` : ''}`;
    default:
      return `failed: ${state.error}`;
  }
}

/** Returns the exit code that tells how the run stopped (see exit-codes.ts). */
export async function watchRun(h: HarnessClient, run: WorkflowHandle, options: { json?: boolean } = {}): Promise<number> {
  const live = process.stdout.isTTY && !options.json;
  // Our own cursor controls go out raw; everything from the run goes through safeText.
  const write = (text: string) => process.stdout.write(safeText(text));
  const clear = () => live && process.stdout.write('\r\x1b[2K');
  let printed = 0;
  const retriesShown = new Map<string, string>();
  let frame = 0;
  for await (const update of followRun(h, run)) {
    if (update.kind === 'unanswered') {
      clear();
      write(`${update.message}; still following…\n`);
      continue;
    }
    const { state } = update;
    for (const event of state.trace.slice(printed)) {
      clear();
      write(options.json ? `${JSON.stringify(event)}\n` : `${formatTraceEvent(event)}\n`);
    }
    printed = state.trace.length;
    // Retries happen on the server, between trace events: say so as they happen.
    for (const active of state.activeTools ?? []) {
      const seen = `${active.attempt}:${active.paused}`;
      if (retriesShown.get(active.tool) === seen || (active.attempt < 2 && !active.paused)) continue;
      retriesShown.set(active.tool, seen);
      clear();
      const line = active.paused
        ? { type: 'tool_paused', tool: active.tool, attempt: active.attempt }
        : {
            type: 'tool_retrying',
            tool: active.tool,
            attempt: active.attempt,
            lastFailure: active.lastFailure,
            nextAttemptAt: active.nextAttemptAt,
          };
      write(
        options.json
          ? `${JSON.stringify(line)}\n`
          : active.paused
            ? `${active.tool} paused by an operator at attempt ${active.attempt}\n`
            : `${active.tool} attempt ${active.attempt} of ${active.maximumAttempts || '∞'}${active.lastFailure ? ` after: ${active.lastFailure}` : ''}\n`,
      );
    }
    if (state.status !== 'running') {
      clear();
      write(options.json ? `${JSON.stringify({ status: state.status, runId: state.runId })}\n` : `${closingLine(state)}\n`);
      return EXIT_CODES[state.status];
    }
    if (live) process.stdout.write(`\r${safeText(progressLine(state, frame++))}`);
  }
  return EXIT_CODES.failed;
}
