/**
 * The eval fixture format: a suite of runs, each with its topic, sources, policy and options, what
 * the operator does at each stop, what the tools do (faults, reported usage), and what must hold at
 * the end. Validated on load: a mistake is one line naming the field and its line.
 */
import path from 'node:path';
import { z } from 'zod';
import { readYamlFile } from '../config/yaml-file';
import { REPO_ROOT } from '../paths';
import { Policy } from '../shared/policy';
import { RUN_STATUSES, TRACE_EVENT_TYPES } from '../shared/run';
import { TOOL_NAMES } from '../shared/tools';
import { fromSeedFixtures } from './seed-fixtures';

export const DEFAULT_FIXTURES = path.join(REPO_ROOT, 'evals', 'default.yaml');
const MAX_FIXTURE_FILE_BYTES = 1_000_000;

const Tool = z.enum(TOOL_NAMES as [string, ...string[]]);
const EventType = z.enum(TRACE_EVENT_TYPES);
const Name = z.string().trim().min(1).max(64);

/** What the operator does, in order; each action waits for the stop it acts on. */
const OperatorAction = z.union([
  z
    .object({
      approve: z
        .object({
          as: Name.optional(),
          edit: z
            .object({ append: z.string().min(1) })
            .strict()
            .optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ reject: z.object({ as: Name.optional(), reason: z.string().optional() }).strict() }).strict(),
  z.object({ resume: z.object({ as: Name.optional() }).strict() }).strict(),
  z.object({ abort: z.object({ as: Name.optional(), reason: z.string().optional() }).strict() }).strict(),
  /** Do nothing at the open gate until it expires (the policy's timeout). */
  z.object({ expire: z.object({}).strict() }).strict(),
]);
export type OperatorAction = z.infer<typeof OperatorAction>;

const Expectations = z
  .object({
    /** The run never starts: the client refuses it with a message containing this text. */
    startRefused: z.string().min(1).optional(),
    status: z.enum(RUN_STATUSES).optional(),
    /** The step the run stopped at: `approval` at a gate, null once it ended. */
    currentStep: z.string().nullable().optional(),
    events: z
      .object({
        include: z.array(EventType).default([]),
        /** At least this many trace events in all (the seed's min_trace_events). */
        atLeast: z.number().int().min(0).optional(),
        exclude: z.array(EventType).default([]),
        /** Exact counts of some event types. */
        count: z.partialRecord(EventType, z.number().int().min(0)).default({}),
      })
      .strict()
      .optional(),
    /** Attempts of each named step, summed over its calls. */
    attempts: z.partialRecord(Tool, z.number().int().min(0)).optional(),
    report: z
      .object({
        exists: z.boolean(),
        /** Headings that must appear (whole lines, e.g. "## Key Findings"). */
        sections: z.array(z.string().min(1)).default([]),
        contains: z.array(z.string().min(1)).default([]),
        notContains: z.array(z.string().min(1)).default([]),
        /** The file's sha256 equals the digest the last gate approved. */
        digestIsApproved: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine(
    (e) => Object.values(e).some((v) => v !== undefined),
    'give at least one expectation: status, events, report… (or startRefused for a run that must not start)',
  );

export const Fixture = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and "-"'),
    description: z.string().optional(),
    topic: z.string().trim().min(3).max(200),
    /** A sources file, relative to the fixtures file; default: the bundled samples. */
    sources: z.string().min(1).optional(),
    /** A policy file (relative to the fixtures file) or the policy itself; default: policy/default.yaml. */
    policy: z.union([z.string().min(1), Policy]).optional(),
    startedBy: Name.default('eval'),
    options: z
      .object({
        tokenBudget: z.number().int().positive().optional(),
        outputPath: z.string().min(1).optional(),
        /** Roles as child workflows (`harness start --multi-agent`); scripted tools apply to the single loop only. */
        multiAgent: z.boolean().optional(),
      })
      .strict()
      .default({}),
    tools: z
      .partialRecord(
        Tool,
        z
          .object({
            /** The first N calls of this tool in the run fail with a retryable error (attempts and calls after a resume alike). */
            failCalls: z.number().int().min(1).max(20).optional(),
            /** Token usage the (offline) model reports for each call of this tool: scripted, never estimated. */
            reportsUsage: z
              .object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0) })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .default({}),
    operator: z.array(OperatorAction).default([]),
    expect: Expectations,
  })
  .strict();
export type Fixture = z.infer<typeof Fixture>;

export const FixtureSuite = z
  .object({
    version: z.literal(1),
    fixtures: z.array(Fixture).min(1).max(200),
  })
  .strict()
  .superRefine((suite, ctx) => {
    const seen = new Set<string>();
    suite.fixtures.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: 'custom', path: ['fixtures', i, 'name'], message: `"${f.name}" is used twice` });
      seen.add(f.name);
    });
  });
export type FixtureSuite = z.infer<typeof FixtureSuite>;

/**
 * A suite from its file: ours (YAML or JSON), or the seed harness's JSON list of cases, translated;
 * `notes` receives what the translation says (seed-fixtures.ts).
 */
export const loadFixtures = (file: string, notes: string[] = []): Promise<FixtureSuite> =>
  readYamlFile(
    file,
    z.preprocess((value) => (Array.isArray(value) ? fromSeedFixtures(value, notes) : value), FixtureSuite),
    'eval fixtures',
    MAX_FIXTURE_FILE_BYTES,
  );
