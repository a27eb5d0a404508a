/**
 * The built-in tools: the six the research run calls, each one declaration (tool-contract.ts)
 * of its contract, risk, retry policy and summary. Pure and sandbox-safe: the workflow derives its
 * activity options from them, activities validate against them, the table in docs/tools-and-workflows.md mirrors them.
 */
import { z } from 'zod';
import { REPORT_FILE_NAME } from './constants';
import { diffSummary } from './diff-summary';
import { sha256Hex } from './digest';
import {
  defineTool,
  EditedCall,
  EditRefused,
  GateEditEnv,
  NON_RETRYABLE,
  quoted,
  retryPolicy as retry,
  toolCatalog,
} from './tool-contract';

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
    summarize: (i) => `plan ${quoted(i.topic)} from ${i.sourceTitles.length} source title(s)`,
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
    summarize: (i) => `search ${i.sources.length} source(s) for ${quoted(i.topic)}`,
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
    summarize: (i) => `extract facts from ${i.matches.length} match(es)`,
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
    summarize: (i) => `draft ${quoted(i.topic)} from ${i.facts.length} fact(s)`,
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
    summarize: (i) => `review a ${i.markdown.length}-character draft of ${quoted(i.topic)}`,
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
    summarize: (i) => `write ${i.relativePath ?? `${i.runId}/${REPORT_FILE_NAME}`} (sha256 ${i.sha256.slice(0, 12)})`,
    writesTo: (i) => i.relativePath ?? `${i.runId}/${REPORT_FILE_NAME}`,
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
  const review = await env.callTool(TOOLS.review_draft, { topic: env.topic, markdown });
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

/** The built-in tools as a catalog. */
export const BUILTIN_TOOLS = toolCatalog(Object.values(TOOLS));

export type ToolName = keyof typeof TOOLS;
export type ToolInput<N extends ToolName> = z.infer<(typeof TOOLS)[N]['input']>;
export type ToolOutput<N extends ToolName> = z.infer<(typeof TOOLS)[N]['output']>;
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

/** What an activity returns: the tool's output and the attempt that produced it (absent from activities of older workers). */
export type ToolResult<N extends ToolName> = ToolOutput<N> & { attempt?: number };

/** The shape of the activities object the worker registers: activity type name = tool name. */
export type ToolActivities = { [N in ToolName]: (input: ToolInput<N>) => Promise<ToolResult<N>> };

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
