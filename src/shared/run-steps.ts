/**
 * The research run's steps, in the order research-run.ts calls them: the one list the step graph
 * (`harness workflow`) and the blueprint are drawn from. A test runs the workflow and compares the
 * tools its history schedules with this list, so a step added to the workflow alone fails it.
 */
import type { ToolName } from './tools';

export interface RunStep {
  tool: ToolName;
  /** What the step is for, in a few words (the graph's node label). */
  does: string;
  /** Set when the step's own output can end the run (not a tool failure, which pauses it). */
  failsRunWhen?: string;
}

export const RUN_STEPS: readonly RunStep[] = [
  { tool: 'plan_run', does: 'plan the run' },
  { tool: 'search_sources', does: 'search the sources' },
  { tool: 'extract_facts', does: 'extract facts' },
  { tool: 'draft_report', does: 'draft the report' },
  { tool: 'review_draft', does: 'review the draft', failsRunWhen: 'review_failed' },
  { tool: 'finalize_report', does: 'write the report' },
];
