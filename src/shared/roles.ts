/**
 * The multi-role run's contract between the parent (researchRun) and its roles, each a child
 * workflow: what a role is given and what it hands back. Pure: both sides are workflow code.
 */
import { z } from 'zod';
import { ToolExecution } from './execution';
import { Policy } from './policy';
import { Decision, ROLE_NAMES, RoleName, RunUsage, StepResult, TraceEvent } from './run';
import { Fact, MAX_SOURCES, SourceDocument, ToolName } from './tools';

export { ROLE_WORKFLOW_TYPES } from './constants';

/** A role's failure pauses the parent "on" this tool unless the failure names its own. */
export const ROLE_PRIMARY_TOOL: Record<RoleName, ToolName> = { planner: 'plan_run', executor: 'draft_report', reviewer: 'review_draft' };

/** What a role is given. Checked on arrival: a role can be started by a foreign client too. */
export const RoleInput = z
  .object({
    role: z.enum(ROLE_NAMES),
    parentId: z.string().min(1).max(128),
    topic: z.string().trim().min(3).max(200),
    startedBy: z.string().max(200).nullable(),
    policy: Policy,
    policyDigest: z.string().nullable(),
    previewLines: z.number().int().min(1).max(100),
    heartbeatTimeoutMs: z.number().int().min(500).max(600_000).optional(),
    execution: z.record(z.string(), ToolExecution).optional(),
    /** planner */
    sourceTitles: z.array(z.string()).max(MAX_SOURCES).optional(),
    /** executor */
    sources: z.array(SourceDocument).max(MAX_SOURCES).optional(),
    plan: z.array(z.string()).max(20).optional(),
    /** executor, on a second round: what the reviewer found, to address. */
    findings: z.array(z.string()).max(20).optional(),
    /** reviewer */
    markdown: z.string().max(100_000).optional(),
  })
  .strict();
export type RoleInput = z.input<typeof RoleInput>;

export interface RoleOutput {
  steps: StepResult[];
  trace: TraceEvent[];
  usage: RunUsage;
  /** Set when a gate inside the role was rejected or expired: the run ends rejected. */
  rejected: Decision | null;
  plan?: { steps: string[]; provider: string };
  facts?: Fact[];
  draft?: { markdown: string; sha256: string };
  review?: { passed: boolean; findings: string[] };
}
