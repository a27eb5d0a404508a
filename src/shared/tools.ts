/**
 * The tool registry: every tool the research run may call, with its contract, risk and
 * retry policy in one declaration. Pure and sandbox-safe: the workflow derives its activity
 * options and retry loop from it, activities validate against it, the README table mirrors it.
 */
import { z } from 'zod';
import { REPORT_FILE_NAME } from './constants';
import { diffSummary } from './diff-summary';
import { sha256Hex } from './digest';
import { undecodableReason } from './undecodable';

export type ActionCategory = 'read_only' | 'transform' | 'model_generation' | 'filesystem_write';

/** Error types an activity throws that no retry can fix. */
export const NON_RETRYABLE = {
  invalidInput: 'InvalidToolInput',
  pathRefused: 'OutputPathRefused',
  modelRejected: 'ModelRequestRejected',
  digestMismatch: 'DigestMismatch',
  reportExists: 'ReportExists',
  fileSystemRefused: 'FileSystemRefused',
} as const;

export interface ToolRetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  nonRetryableErrorTypes: string[];
}

export interface ToolContract<I extends z.ZodType, O extends z.ZodType> {
  name: string;
  description: string;
  category: ActionCategory;
  risky: boolean;
  input: I;
  output: O;
  startToCloseTimeoutMs: number;
  /** Every tool heartbeats, so an attempt lost with its worker is retried in seconds, not at start-to-close (remote only). */
  heartbeatTimeoutMs?: number;
  /** How it runs by default (execution.ts): pure sub-millisecond tools local, model calls and side effects remote. */
  execution: 'local' | 'remote';
  retry: ToolRetryPolicy;
  /**
   * What a result claims that the workflow can check against the call (a digest, a path): why the
   * result cannot be believed, or null. A result reaches the workflow by whoever completes the
   * activity (`temporal activity complete` too), so its shape alone proves nothing.
   */
  checkResult?: (input: z.output<I>, output: z.output<O>) => string | null;
  /** How the tool's approval gate speaks and what an edit there means; absent: a call, edited as its arguments. */
  gate?: ToolGate<z.output<I>>;
}

/** A gated tool's own words at its gate, and its edit-on-approve when an edit is more than new arguments. */
export interface ToolGate<I> {
  /** What is approved, as refusals name it ("the pending draft"); default: "<tool> call". */
  subject: string;
  /** What the tool does, in the gate's reason ("writes to the filesystem"); default: "is a <category> tool". */
  does: string;
  /** What happens once approved ("finalizing"); default: "running <tool>". */
  onApproved: string;
  edit?: GateEdit<I>;
}

/**
 * An edit-on-approve of another form than the tool's arguments (a report's text, say). `apply`
 * runs in the workflow, at the gate: it may call tools through `env` (outside the tool path: the
 * gate checking an edit is not a step of the run) and throws EditRefused to leave the gate as it was.
 */
export interface GateEdit<I> {
  form: z.ZodType<string>;
  /** The form in words, for a refusal: "the edited report as a string". */
  formDescription: string;
  apply(edit: string, args: I, env: GateEditEnv): Promise<EditedCall<I>>;
}

export interface GateEditEnv {
  topic: string;
  /** The tool as an activity under its own retry policy; its tokens count in the run's usage. */
  callTool<N extends ToolName>(name: N, input: ToolInput<N>): Promise<ToolOutput<N>>;
}

export interface EditedCall<I> {
  args: I;
  /** What the approvals are bound to from now on. */
  digest: string;
  /** The text the gate's preview shows. */
  previewText: string;
  review?: { passed: boolean; findings: string[] };
  /** The trace event that records the edit. */
  event: { type: 'draft_edited' | 'arguments_edited'; data: Record<string, unknown> };
}

/** An edit the tool's gate will not take; the message says why. */
export class EditRefused extends Error {}

const defineTool = <I extends z.ZodType, O extends z.ZodType>(tool: ToolContract<I, O>) => tool;

const retry = (maximumAttempts: number, initialIntervalMs: number, extraNonRetryable: string[] = []): ToolRetryPolicy => ({
  maximumAttempts,
  initialIntervalMs,
  backoffCoefficient: 2,
  maximumIntervalMs: 30_000,
  nonRetryableErrorTypes: [NON_RETRYABLE.invalidInput, ...extraNonRetryable],
});

export const MAX_SOURCES = 200;
export const SourceDocument = z.object({
  title: z.string().trim().min(1).max(200),
  content: z.string().trim().min(1).max(200_000),
});
export type SourceDocument = z.infer<typeof SourceDocument>;

const Topic = z.string().trim().min(3).max(200);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');
const Provider = z.string().min(1);

/** Token usage as the endpoint reported it; null in a tool output means it reported none. */
export const TokenUsage = z.object({
  promptTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
  totalTokens: z.number().int().min(0),
});
export type TokenUsage = z.infer<typeof TokenUsage>;
const Usage = TokenUsage.nullable().optional();

export const Match = z.object({ title: z.string(), content: z.string(), score: z.number().min(0).max(1) });
export const Fact = z.object({ source: z.string(), text: z.string() });
export type Fact = z.infer<typeof Fact>;

export const TOOLS = {
  plan_run: defineTool({
    name: 'plan_run',
    description: 'Planner: a short ordered plan for the research run.',
    category: 'model_generation',
    risky: false,
    input: z.object({ topic: Topic, sourceTitles: z.array(z.string()).max(MAX_SOURCES) }),
    output: z.object({ steps: z.array(z.string().min(1)).min(1).max(10), provider: Provider, usage: Usage }),
    startToCloseTimeoutMs: 60_000,
    heartbeatTimeoutMs: 10_000,
    execution: 'remote',
    retry: retry(3, 1_000, [NON_RETRYABLE.modelRejected]),
  }),
  search_sources: defineTool({
    name: 'search_sources',
    description: 'Scores source documents by topic-word overlap and returns the top 5 with scores.',
    category: 'read_only',
    risky: false,
    input: z.object({ topic: Topic, sources: z.array(SourceDocument).min(1).max(MAX_SOURCES) }),
    output: z.object({ matches: z.array(Match).max(5) }),
    startToCloseTimeoutMs: 10_000,
    heartbeatTimeoutMs: 5_000,
    execution: 'local',
    retry: retry(3, 500),
  }),
  extract_facts: defineTool({
    name: 'extract_facts',
    description: 'The first sentences of each match, tagged with the source title; at most 10.',
    category: 'transform',
    risky: false,
    input: z.object({ matches: z.array(Match).max(5) }),
    output: z.object({ facts: z.array(Fact).max(10) }),
    startToCloseTimeoutMs: 10_000,
    heartbeatTimeoutMs: 5_000,
    execution: 'local',
    retry: retry(3, 500),
  }),
  draft_report: defineTool({
    name: 'draft_report',
    description: 'Drafts the markdown report (title, Key Findings, Harness Notes) and its sha256.',
    category: 'model_generation',
    risky: false,
    input: z.object({ topic: Topic, plan: z.array(z.string()), facts: z.array(Fact).max(10) }),
    output: z.object({ markdown: z.string().min(1).max(100_000), sha256: Sha256, provider: Provider, usage: Usage }),
    checkResult: (_input, { markdown, sha256 }) => (sha256Hex(markdown) === sha256 ? null : 'sha256 is not the digest of the markdown'),
    startToCloseTimeoutMs: 120_000,
    heartbeatTimeoutMs: 10_000,
    execution: 'remote',
    retry: retry(3, 1_000, [NON_RETRYABLE.modelRejected]),
  }),
  review_draft: defineTool({
    name: 'review_draft',
    description: 'Reviewer: passes or fails the draft with findings.',
    category: 'model_generation',
    risky: false,
    input: z.object({ topic: Topic, markdown: z.string().min(1).max(100_000) }),
    // sha256 of the reviewed markdown: an edited report's approved digest comes from here.
    output: z.object({ passed: z.boolean(), findings: z.array(z.string()), provider: Provider, sha256: Sha256.optional(), usage: Usage }),
    checkResult: ({ markdown }, { sha256 }) =>
      sha256 === undefined || sha256 === sha256Hex(markdown) ? null : 'sha256 is not the digest of the reviewed markdown',
    startToCloseTimeoutMs: 60_000,
    heartbeatTimeoutMs: 10_000,
    execution: 'remote',
    retry: retry(3, 1_000, [NON_RETRYABLE.modelRejected]),
  }),
  finalize_report: defineTool({
    name: 'finalize_report',
    description: 'Writes the approved report under the output root (default <write root>/<run id>/final_report.md), atomically.',
    category: 'filesystem_write',
    risky: true,
    input: z.object({
      runId: z.string().min(1).max(128),
      markdown: z.string().min(1).max(100_000),
      sha256: Sha256,
      /** Relative to the output root; absent in runs from before policies: <runId>/final_report.md. */
      relativePath: z.string().min(1).max(300).optional(),
    }),
    output: z.object({ path: z.string(), bytes: z.number().int().positive(), sha256: Sha256 }),
    checkResult: (input, output) => reportResultProblem(input, output),
    gate: {
      subject: 'draft',
      does: 'writes to the filesystem',
      onApproved: 'finalizing',
      edit: {
        form: z.string().min(1).max(100_000),
        formDescription: 'the edited report as a string',
        apply: (edit, args, env) => reviewedReport(edit, args, env),
      },
    },
    startToCloseTimeoutMs: 30_000,
    heartbeatTimeoutMs: 5_000,
    execution: 'remote',
    retry: retry(5, 1_000, [
      NON_RETRYABLE.pathRefused,
      NON_RETRYABLE.digestMismatch,
      NON_RETRYABLE.reportExists,
      NON_RETRYABLE.fileSystemRefused,
    ]),
  }),
} as const;

/**
 * An edited report is reviewed again; only a passing one replaces the draft, and the approvals
 * are bound to the reviewed text's digest.
 */
async function reviewedReport(
  markdown: string,
  previous: { runId: string; markdown: string; sha256: string; relativePath?: string },
  env: GateEditEnv,
): Promise<EditedCall<typeof previous>> {
  const review = await env.callTool('review_draft', { topic: env.topic, markdown });
  if (!review.passed || !review.sha256) throw new EditRefused(`edited report failed review: ${review.findings.join('; ')}`);
  return {
    args: { ...previous, markdown, sha256: review.sha256 },
    digest: review.sha256,
    previewText: markdown,
    review: { passed: review.passed, findings: review.findings },
    event: {
      type: 'draft_edited',
      data: { previousDigest: previous.sha256, digest: review.sha256, ...diffSummary(previous.markdown, markdown) },
    },
  };
}

/** The report's result must name the approved bytes at the path asked for: an absolute path ending in it, nothing climbing out. */
function reportResultProblem(
  input: { runId: string; markdown: string; sha256: string; relativePath?: string },
  output: { path: string; bytes: number; sha256: string },
): string | null {
  if (output.sha256 !== input.sha256)
    return `sha256 ${output.sha256.slice(0, 12)}… is not the approved digest ${input.sha256.slice(0, 12)}…`;
  if (output.bytes !== utf8Length(input.markdown)) return `${output.bytes} bytes is not the size of the approved report`;
  const asked = segments(input.relativePath ?? `${input.runId}/${REPORT_FILE_NAME}`);
  const written = segments(output.path);
  const tail = written.slice(written.length - asked.length);
  if (!output.path.startsWith('/') || written.includes('..') || tail.join('/') !== asked.join('/'))
    return `path ${JSON.stringify(output.path.slice(0, 200))} is not where the report was to be written (…/${asked.join('/')})`;
  return null;
}

const segments = (p: string): string[] => p.split('/').filter((part) => part !== '' && part !== '.');

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Why a tool's result cannot be believed (its shape, then its claims), or null with the parsed output. */
export function checkedResult<N extends ToolName>(
  name: N,
  input: ToolInput<N>,
  result: unknown,
): { output: ToolOutput<N>; problem: null } | { output: null; problem: string } {
  const undecodable = undecodableReason(result);
  if (undecodable) return { output: null, problem: `the result ${undecodable}` };
  const tool = TOOLS[name] as ToolContract<z.ZodType, z.ZodType>;
  // Unknown keys (the attempt an activity reports, anything a forger adds) are stripped by the schema.
  const parsed = tool.output.safeParse(result);
  if (!parsed.success) return { output: null, problem: describeZodError(parsed.error) };
  const problem = tool.checkResult?.(input, parsed.data) ?? null;
  return problem ? { output: null, problem } : { output: parsed.data as ToolOutput<N>, problem: null };
}

export type ToolName = keyof typeof TOOLS;
export type ToolInput<N extends ToolName> = z.infer<(typeof TOOLS)[N]['input']>;
export type ToolOutput<N extends ToolName> = z.infer<(typeof TOOLS)[N]['output']>;
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

/** What an activity returns: the tool's output and the attempt that produced it (absent from activities of older workers). */
export type ToolResult<N extends ToolName> = ToolOutput<N> & { attempt?: number };

/** The shape of the activities object the worker registers: activity type name = tool name. */
export type ToolActivities = { [N in ToolName]: (input: ToolInput<N>) => Promise<ToolResult<N>> };

/** A tool's retry policy as Temporal takes it, so `ActivityTaskScheduled` in history shows exactly the tool's own. */
export function temporalRetryPolicy(retry: ToolRetryPolicy) {
  return {
    maximumAttempts: retry.maximumAttempts,
    initialInterval: retry.initialIntervalMs,
    backoffCoefficient: retry.backoffCoefficient,
    maximumInterval: retry.maximumIntervalMs,
    nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
  };
}

/**
 * Not a research tool: the worker's default policy, for runs started without a snapshot (by
 * `temporal workflow start`, say). Its result is recorded in history like any activity's.
 */
export interface LoadedPolicySnapshot {
  policy: unknown;
  digest: string;
  source: string;
}
export type HarnessActivities = ToolActivities & { load_default_policy: () => Promise<LoadedPolicySnapshot> };

/** One line per problem, naming the offending field, e.g. "topic: Too small: expected string to have >=3 characters". */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}
