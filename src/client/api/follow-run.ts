/**
 * Follows a run live: trace events as they happen and, on a terminal, a spinner with the
 * current step, until the run pauses at the approval gate or ends.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { RunState } from '../../shared/run';
import { TOOL_NAMES } from '../../shared/tools';
import type { HarnessClient } from './connect';
import { EXIT_CODES } from '../cli/exit-codes';
import { formatTraceEvent } from '../cli/format';
import { readState } from './runs';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const POLL_MS = 250;

function progressLine(state: RunState, frame: number): string {
  const done = state.steps.filter((s) => s.status === 'ok').length;
  const current = state.steps[state.steps.length - 1];
  const attempt = current?.status === 'running' && current.attempts > 1 ? ` attempt ${current.attempts}` : '';
  const width = TOOL_NAMES.length;
  const bar = '█'.repeat(done) + '░'.repeat(Math.max(0, width - done));
  return `${FRAMES[frame % FRAMES.length]} [${bar}] ${done}/${width} ${state.currentStep ?? 'starting'}${attempt}`;
}

function closingLine(state: RunState): string {
  switch (state.status) {
    case 'waiting_approval':
      return `waiting for approval: harness pending ${state.runId}, then harness approve|reject ${state.runId}`;
    case 'completed':
      return `completed: ${state.artifacts.report?.path}`;
    case 'paused_on_error':
      return `paused on error in ${state.pausedOn?.tool}: ${state.pausedOn?.error}; harness resume|abort ${state.runId}`;
    case 'cancelled':
      return 'cancelled: nothing was written';
    case 'rejected':
      return `rejected by ${state.decision?.approver}${state.decision?.reason ? `: ${state.decision.reason}` : ''}`;
    default:
      return `failed: ${state.error}`;
  }
}

/** Returns the exit code that tells how the run stopped (see exit-codes.ts). */
export async function followRun(h: HarnessClient, run: WorkflowHandle, options: { json?: boolean } = {}): Promise<number> {
  const live = process.stdout.isTTY && !options.json;
  const write = (text: string) => process.stdout.write(text);
  const clear = () => live && write('\r\x1b[2K');
  let printed = 0;
  let toldNoWorker = false;
  for (let frame = 0; ; frame++) {
    // Without a worker nothing can answer: say so once and keep following, as `temporal ... --follow` does.
    const state = await readState(h, run).catch((err: Error) => {
      if (!toldNoWorker) write(`${live ? '\r\x1b[2K' : ''}${err.message}; still following…\n`);
      toldNoWorker = true;
      return null;
    });
    if (!state) continue;
    toldNoWorker = false;
    for (const event of state.trace.slice(printed)) {
      clear();
      write(options.json ? `${JSON.stringify(event)}\n` : `${formatTraceEvent(event)}\n`);
    }
    printed = state.trace.length;
    if (state.status !== 'running') {
      clear();
      write(options.json ? `${JSON.stringify({ status: state.status, runId: state.runId })}\n` : `${closingLine(state)}\n`);
      return EXIT_CODES[state.status];
    }
    if (live) write(`\r${progressLine(state, frame)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
