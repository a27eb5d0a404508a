/**
 * The declarative policy: which tools may run, which need approval, who may approve, for how
 * long, and argument rules. Pure (no I/O): the workflow evaluates it on the snapshot in its
 * input, and tests exercise it directly.
 */
import { RE2JS } from 're2js';
import { z } from 'zod';
import { executionOf, RunExecution, ToolExecution } from './execution';
import { canonicalName, PersonName } from './identity';
import { PublicKeyText } from './signed-decision';
import { ACTION_CATEGORIES, ActionCategory, AnyTool, ToolCatalog } from './tool-contract';
import { mcpServerOf } from './mcp-tools';
import { BUILTIN_TOOLS, TOOLS, ToolName } from './tools';

/** What the policy needs to know of a tool: its name, what it does, whether it is risky; a built-in by its name. */
export type PolicyTool = Pick<AnyTool, 'name' | 'category' | 'risky'> | ToolName;

const declared = (tool: PolicyTool): Pick<AnyTool, 'name' | 'category' | 'risky'> => (typeof tool === 'string' ? TOOLS[tool] : tool);

/** A policy travels in every run's input: it is bounded well under Temporal's 2 MB payload limit. */
export const MAX_POLICY_BYTES = 64 * 1024;

const DURATION = /^(\d{1,12})(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Gate timeouts the workflow can keep: at least a second, at most ten years (a durable timer, a date). */
export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 3_650 * 86_400_000;

export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`invalid duration "${text}": use a number and ms, s, m, h or d`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

const Duration = z
  .string()
  .regex(DURATION, 'a duration such as 90s, 30m, 24h or 7d')
  .refine((text) => !DURATION.test(text) || parseDuration(text) >= MIN_TIMEOUT_MS, 'at least 1s')
  .refine((text) => !DURATION.test(text) || parseDuration(text) <= MAX_TIMEOUT_MS, 'at most 3650d');

/**
 * Policy patterns are matched against caller input, so they run on RE2 (re2js, pure JS): linear
 * time whatever the pattern, in the workflow sandbox too. Backreferences and lookaround, which
 * RE2 does not have, are refused when the policy is read.
 */
const RE2_FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

export function compilePattern(source: string, flags = ''): RE2JS {
  return RE2JS.compile(
    source,
    [...flags].reduce((all, flag) => all | RE2_FLAGS[flag], 0),
  );
}

const patternError = (source: string, flags?: string): string | null => {
  try {
    compilePattern(source, flags);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
};

/** Write roots are folders under the worker's output root: relative, no `..`, no empty or odd segments. */
const WriteRoot = z
  .string()
  .min(1)
  .max(200)
  .refine((root) => !root.startsWith('/') && !/^[A-Za-z]:/.test(root) && !root.includes('\\'), 'a path relative to the output root')
  .refine(
    (root) => root === '.' || root.split('/').every((part) => part && part !== '.' && part !== '..'),
    'no "..", "." or empty segments',
  )
  .refine((root) => !/\p{Cc}/u.test(root), 'no control characters');

const ArgumentRule = z.discriminatedUnion('deny', [
  z
    .object({
      deny: z.literal('topic_matches'),
      pattern: z.string().min(1).max(1_000),
      flags: z
        .string()
        .regex(/^[imsu]*$/, 'regex flags from i, m, s, u')
        .optional(),
      reason: z.string().optional(),
    })
    .strict()
    .superRefine((rule, ctx) => {
      const error = patternError(rule.pattern, rule.flags);
      if (error) ctx.addIssue({ code: 'custom', path: ['pattern'], message: `not a pattern RE2 accepts (${error})` });
    }),
  z.object({ deny: z.literal('path_outside_roots'), reason: z.string().optional() }).strict(),
]);
export type ArgumentRule = z.infer<typeof ArgumentRule>;

const ROLE_NAME = /^[\p{L}\p{N}._-]{1,64}$/u;

/** An approver is a name (`alice`) or a role from the policy's role map (`role:reviewers`), both in canonical form. */
const ApproverRef = z.string().transform((ref, ctx) => {
  if (/^role:/i.test(ref)) {
    const role = canonicalName(ref.slice(5));
    if (ROLE_NAME.test(role)) return `role:${role}`;
    ctx.addIssue({ code: 'custom', message: 'a role name: letters, digits, ".", "_" or "-"' });
    return z.NEVER;
  }
  const name = PersonName.safeParse(ref);
  if (name.success) return name.data;
  ctx.addIssue({ code: 'custom', message: `a name or role:<role>: ${name.error.issues[0].message}` });
  return z.NEVER;
});

/**
 * A record whose keys are names from a file: `__proto__` would be lost (or become a prototype) on
 * the way through any plain object, so it is refused by name; every other name is looked up as an
 * own key (`constructor` is a role like any other).
 */
const ownKeys = <T extends z.ZodType>(record: T) =>
  z.preprocess((value, ctx) => {
    if (value && typeof value === 'object' && Object.hasOwn(value, '__proto__'))
      ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'a reserved name', input: value });
    return value;
  }, record);

/**
 * An earlier call of the same run that a call needs (`requires`): which tool, the values its
 * output must have had (`where`), and arguments of this call that must equal fields of that
 * output (`same`: argument → output field). Provenance, not trust: finalize_report may write only
 * a draft whose digest a passing review returned in this run.
 */
const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Prerequisite = z
  .object({
    after: z.string().min(1).max(200),
    where: ownKeys(z.record(z.string(), Scalar)).default({}),
    same: ownKeys(z.record(z.string(), z.string().min(1).max(100))).default({}),
    reason: z.string().max(500).optional(),
  })
  .strict();
export type Prerequisite = z.infer<typeof Prerequisite>;

const ToolPolicy = z
  .object({
    enabled: z.boolean().default(true),
    category: z.enum(ACTION_CATEGORIES).optional(),
    approval: z.enum(['never', 'required']).optional(),
    /** For filesystem_write tools: folders under the worker's output root the tool may write in. */
    writeRoots: z.array(WriteRoot).min(1).max(20).optional(),
    rules: z.array(ArgumentRule).default([]),
    /** Empty or absent: anyone may approve. */
    approvers: z.array(ApproverRef).max(100).default([]),
    minApprovals: z.number().int().min(1).max(10).default(1),
    allowSelfApproval: z.boolean().default(true),
    timeout: Duration.optional(),
    onTimeout: z.enum(['reject', 'escalate']).default('reject'),
    escalateTo: z.array(ApproverRef).max(100).default([]),
    /** Overrides the registry's execution mode (local or remote activity); a run may override it again. */
    execution: ToolExecution.optional(),
    /** Approvals and rejections at this tool's gate count only when signed by a key in `publicKeys`. */
    requireSignedApprovals: z.boolean().default(false),
    /** Calls of this tool a run may make (one in flight counts; one that failed or was rejected does not). */
    maxCalls: z.number().int().min(1).max(100_000).optional(),
    /** Earlier calls of the run this one needs, each matched by its output (all of them must be found). */
    requires: z.array(Prerequisite).max(10).default([]),
    /**
     * A rejected call a model asked for: `tell-model` returns the rejection and its reason as the
     * call's result, `end-run` ends the run `rejected`. Absent: as the agent declares (tell-model).
     */
    onRejection: z.enum(['tell-model', 'end-run']).optional(),
  })
  .strict();
export type ToolPolicy = z.infer<typeof ToolPolicy>;

const PolicyObject = z
  .object({
    version: z.literal(1),
    name: z.string().min(1).max(100),
    description: z.string().optional(),
    /** Role names and members are canonical (identity.ts): `Reviewers` and `reviewers` are one role. */
    roles: ownKeys(z.record(z.string(), z.array(PersonName).max(100)))
      .default({})
      .transform((roles, ctx) => {
        const canonical: Record<string, string[]> = {};
        for (const [raw, members] of Object.entries(roles)) {
          const role = canonicalName(raw);
          if (!ROLE_NAME.test(role))
            ctx.addIssue({ code: 'custom', path: [raw], message: 'a role name: letters, digits, ".", "_" or "-"' });
          else if (Object.hasOwn(canonical, role))
            ctx.addIssue({ code: 'custom', path: [raw], message: `the same role as "${role}" once names are normalized` });
          else canonical[role] = members;
        }
        return canonical;
      }),
    /** Approvers' Ed25519 public keys, several per person for rotation; names are canonical like the approvers'. */
    publicKeys: ownKeys(z.record(z.string(), z.array(PublicKeyText).min(1).max(10)))
      .default({})
      .transform((keys, ctx) => {
        const canonical: Record<string, string[]> = {};
        // One key, one person: a key listed for two names would let one holder make a quorum of two.
        const holder = new Map<string, string>();
        for (const [raw, texts] of Object.entries(keys)) {
          const name = PersonName.safeParse(raw);
          if (!name.success) ctx.addIssue({ code: 'custom', path: [raw], message: name.error.issues[0].message });
          else if (Object.hasOwn(canonical, name.data))
            ctx.addIssue({ code: 'custom', path: [raw], message: `the same person as "${name.data}" once names are normalized` });
          else canonical[name.data] = [...new Set(texts)];
          for (const text of name.success ? canonical[name.data] : []) {
            const other = holder.get(text);
            if (other)
              ctx.addIssue({ code: 'custom', path: [raw], message: `a key also listed for ${other}: each key belongs to one person` });
            holder.set(text, name.data!);
          }
        }
        return canonical;
      }),
    /** Who may resume or abort a run paused on error (names or roles); empty: anyone who names themselves. */
    operators: z.array(ApproverRef).max(100).default([]),
    tools: ownKeys(z.record(z.string(), ToolPolicy)).default({}),
    /** Per-run limits; a run's own tokenBudget option can only lower them. */
    budget: z.object({ maxTotalTokens: z.number().int().positive() }).strict().optional(),
  })
  .strict();

/**
 * Entries for tools outside the catalog: refused where a policy is read (the CLI, a worker's
 * default), ignored in a workflow, which reads a policy written for its worker's tools.
 */
export type UnknownTools = 'refuse' | 'ignore';

const schemas = new WeakMap<ToolCatalog, Partial<Record<UnknownTools, ReturnType<typeof buildPolicySchema>>>>();

/** The policy schema that checks every tool entry against these tools (built once per catalog). */
export function policySchema(catalog: ToolCatalog, unknownTools: UnknownTools = 'refuse') {
  const built = schemas.get(catalog) ?? {};
  schemas.set(catalog, built);
  return (built[unknownTools] ??= buildPolicySchema(catalog, unknownTools));
}

const buildPolicySchema = (catalog: ToolCatalog, unknownTools: UnknownTools) =>
  PolicyObject.superRefine((policy, ctx) => {
    for (const [name, tool] of Object.entries(policy.tools)) {
      const known = catalog.get(name);
      if (!known) {
        // An MCP server's tools are known only when a run lists them: their entries wait for them.
        if (unknownTools === 'refuse' && mcpServerOf(name) === null)
          ctx.addIssue({ code: 'custom', path: ['tools', name], message: `unknown tool; known tools: ${[...catalog.keys()].join(', ')}` });
        continue;
      }
      if (tool.category && tool.category !== known.category) {
        ctx.addIssue({ code: 'custom', path: ['tools', name, 'category'], message: `is ${known.category} in the tool registry` });
      }
      if (tool.onTimeout === 'escalate' && !tool.escalateTo.length) {
        ctx.addIssue({ code: 'custom', path: ['tools', name, 'escalateTo'], message: 'required when onTimeout is escalate' });
      }
      for (const [i, ref] of [...tool.approvers, ...tool.escalateTo].entries()) {
        if (ref.startsWith('role:') && !(ref.slice(5) in policy.roles)) {
          const field = i < tool.approvers.length ? 'approvers' : 'escalateTo';
          ctx.addIssue({ code: 'custom', path: ['tools', name, field], message: `unknown role "${ref.slice(5)}"` });
        }
      }
      // A quorum nobody can reach would wedge the gate until it expires.
      const eligible = resolveRefs(policy.roles, tool.approvers);
      if (eligible !== null && tool.minApprovals > eligible.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['tools', name, 'minApprovals'],
          message: `${tool.minApprovals} approvals needed but the approvers list only ${eligible.length} (${eligible.join(', ') || 'nobody'})`,
        });
      }
      if (tool.requireSignedApprovals) keylessApproverIssues(policy, known, tool, ctx);
      if (tool.writeRoots && known.category !== 'filesystem_write') {
        ctx.addIssue({ code: 'custom', path: ['tools', name, 'writeRoots'], message: 'only for filesystem_write tools' });
      }
      if (tool.rules.some((r) => r.deny === 'path_outside_roots') && !tool.writeRoots) {
        ctx.addIssue({ code: 'custom', path: ['tools', name, 'writeRoots'], message: 'required by the path_outside_roots rule' });
      }
      tool.requires.forEach((needed, i) => prerequisiteIssues(catalog, unknownTools, known, needed, ['tools', name, 'requires', i], ctx));
    }
    for (const ref of policy.operators) {
      if (ref.startsWith('role:') && !(ref.slice(5) in policy.roles)) {
        ctx.addIssue({ code: 'custom', path: ['operators'], message: `unknown role "${ref.slice(5)}"` });
      }
    }
  });

/** Fields of an object schema, or null when the schema is not a plain object (nothing to check against). */
const fieldsOf = (schema: z.ZodType): string[] | null => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : null);

/** A prerequisite names a tool the worker has, and fields its output and this tool's input have. */
function prerequisiteIssues(
  catalog: ToolCatalog,
  unknownTools: UnknownTools,
  tool: AnyTool,
  needed: Prerequisite,
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const earlier = catalog.get(needed.after);
  if (!earlier) {
    if (unknownTools === 'refuse' && mcpServerOf(needed.after) === null)
      ctx.addIssue({ code: 'custom', path: [...path, 'after'], message: `unknown tool "${needed.after}"` });
    return;
  }
  const outputs = fieldsOf(earlier.output);
  const inputs = fieldsOf(tool.input);
  for (const field of [...Object.keys(needed.where), ...Object.values(needed.same)])
    if (outputs && !outputs.includes(field))
      ctx.addIssue({ code: 'custom', path, message: `"${field}" is not a field of ${earlier.name}'s output (${outputs.join(', ')})` });
  for (const argument of Object.keys(needed.same))
    if (inputs && !inputs.includes(argument))
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'same'],
        message: `"${argument}" is not an argument of ${tool.name} (${inputs.join(', ')})`,
      });
}

/** A policy over the built-in tools (the research run's, the CLI's default reading). */
export const Policy = policySchema(BUILTIN_TOOLS);
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

/** A gate that requires signatures must be one somebody can sign: every named approver has a key, and enough people do. */
function keylessApproverIssues(
  policy: Pick<Policy, 'roles' | 'publicKeys'>,
  known: AnyTool,
  tool: z.output<typeof ToolPolicy>,
  ctx: z.RefinementCtx,
): void {
  const path = ['tools', known.name, 'requireSignedApprovals'];
  if ((tool.approval ?? (known.risky ? 'required' : 'never')) === 'never')
    ctx.addIssue({ code: 'custom', path, message: 'needs a gate: this tool has approval: never' });
  const keyed = Object.keys(policy.publicKeys);
  for (const refs of [tool.approvers, tool.escalateTo]) {
    const keyless = (resolveRefs(policy.roles, refs) ?? []).filter((person) => !keyed.includes(person));
    if (keyless.length) ctx.addIssue({ code: 'custom', path, message: `no key in publicKeys for ${keyless.join(', ')}` });
  }
  const signers = resolveRefs(policy.roles, tool.approvers) ?? keyed;
  if (tool.minApprovals > signers.length)
    ctx.addIssue({
      code: 'custom',
      path,
      message: `${tool.minApprovals} signed approvals needed but only ${signers.length} approvers have keys`,
    });
}

/**
 * Behaviour of runs started before policies existed (no snapshot in their input): the risky
 * tool needs one approval from anyone, with no expiry.
 */
export const BUILTIN_POLICY: Policy = Policy.parse({ version: 1, name: 'builtin' });

/** The effective rules for one tool: the policy's entry over the registry's defaults. */
export function toolPolicy(policy: Policy, named: PolicyTool): ToolPolicy & { approval: 'never' | 'required'; category: ActionCategory } {
  const tool = declared(named);
  const entry = (Object.hasOwn(policy.tools, tool.name) ? policy.tools[tool.name] : undefined) ?? ToolPolicy.parse({});
  return {
    ...entry,
    category: tool.category,
    approval: entry.approval ?? (tool.risky ? 'required' : 'never'),
  };
}

export interface CallFacts {
  topic: string;
  /** For filesystem_write tools: the path relative to the worker's output root. */
  outputPath?: string;
  /** The call's arguments, for `requires` (absent: its prerequisites are not checked). */
  args?: unknown;
  /** The run's earlier calls, for `maxCalls` and `requires` (absent: neither is checked). */
  earlier?: EarlierCalls;
}

/** What a run remembers of its calls for the policy, as a session carries it when it continues as new. */
export const EarlierCallsState = z.object({
  counts: z.record(z.string(), z.number().int().min(0)),
  outputs: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
});
export type EarlierCallsState = z.infer<typeof EarlierCallsState>;

/** What a run remembers of its calls for the policy: how many of a tool ran, and the outputs `requires` looks at. */
export interface EarlierCalls {
  count(tool: string): number;
  outputs(tool: string): readonly Record<string, unknown>[];
}

export type CallVerdict = { allowed: true; approvalRequired: boolean } | { allowed: false; reason: string };

/** Pure path arithmetic (no node:path in the sandbox): is `file` inside `root`, both relative? */
export function insideRoot(file: string, root: string): boolean {
  const parts = (p: string) => p.split('/').filter((s) => s && s !== '.');
  const normalized: string[] = [];
  for (const part of parts(file)) {
    if (part === '..') {
      if (!normalized.length) return false;
      normalized.pop();
    } else normalized.push(part);
  }
  if (file.startsWith('/')) return false;
  const rootParts = parts(root);
  if (rootParts.includes('..')) return false;
  return rootParts.every((p, i) => normalized[i] === p) && normalized.length > rootParts.length;
}

export function evaluateToolCall(policy: Policy, tool: PolicyTool, facts: CallFacts): CallVerdict {
  const rules = toolPolicy(policy, tool);
  if (!rules.enabled) return { allowed: false, reason: `${declared(tool).name} is disabled by policy "${policy.name}"` };
  for (const rule of rules.rules) {
    if (rule.deny === 'topic_matches' && compilePattern(rule.pattern, rule.flags).matcher(facts.topic).find()) {
      return { allowed: false, reason: rule.reason ?? `topic matches the denied pattern /${rule.pattern}/${rule.flags ?? ''}` };
    }
    if (rule.deny === 'path_outside_roots' && facts.outputPath !== undefined) {
      if (!rules.writeRoots!.some((root) => insideRoot(facts.outputPath!, root))) {
        return {
          allowed: false,
          reason: rule.reason ?? `${facts.outputPath} is outside the allowed write roots ${rules.writeRoots!.join(', ')}`,
        };
      }
    }
  }
  const name = declared(tool).name;
  const { earlier } = facts;
  if (earlier && rules.maxCalls !== undefined && earlier.count(name) >= rules.maxCalls)
    return { allowed: false, reason: `${name} may run at most ${rules.maxCalls} time(s) in a run, and it has` };
  for (const needed of earlier ? rules.requires : []) {
    const args = (facts.args ?? {}) as Record<string, unknown>;
    const matches = (output: Record<string, unknown>) =>
      Object.entries(needed.where).every(([field, value]) => output[field] === value) &&
      Object.entries(needed.same).every(([argument, field]) => output[field] === args[argument]);
    if (!earlier!.outputs(needed.after).some(matches)) return { allowed: false, reason: needed.reason ?? prerequisiteText(name, needed) };
  }
  return { allowed: true, approvalRequired: rules.approval === 'required' };
}

/** "finalize_report needs an earlier review_draft with passed = true whose sha256 is this call's sha256; the run has none". */
function prerequisiteText(name: string, needed: Prerequisite): string {
  const where = Object.entries(needed.where).map(([field, value]) => `${field} = ${JSON.stringify(value)}`);
  const same = Object.entries(needed.same).map(([argument, field]) => `whose ${field} is this call's ${argument}`);
  return `${name} needs an earlier ${needed.after}${where.length ? ` with ${where.join(' and ')}` : ''}${same.length ? ` ${same.join(' and ')}` : ''}; the run has none`;
}

/** The output fields `requires` rules look at, by tool: what a run keeps of its calls' outputs. */
export function fieldsRequired(policy: Policy): Map<string, Set<string>> {
  const kept = new Map<string, Set<string>>();
  for (const tool of Object.values(policy.tools))
    for (const needed of tool.requires) {
      const fields = kept.get(needed.after) ?? new Set<string>();
      for (const field of [...Object.keys(needed.where), ...Object.values(needed.same)]) fields.add(field);
      kept.set(needed.after, fields);
    }
  return kept;
}

/** The names a list of approver references stands for; null means anyone. */
export function resolveApprovers(policy: Policy, refs: string[]): string[] | null {
  return resolveRefs(policy.roles, refs);
}

function resolveRefs(roles: Record<string, string[]>, refs: string[]): string[] | null {
  if (!refs.length) return null;
  // Own members only: `role:constructor` names a role of this policy or none, never Object's.
  const members = (role: string) => (Object.hasOwn(roles, role) ? roles[role] : []);
  const names = refs.flatMap((ref) => (ref.startsWith('role:') ? members(ref.slice(5)) : [ref]));
  return [...new Set(names)].sort();
}

export interface ApprovalContext {
  startedBy: string;
  /** Distinct approvers so far. */
  approvedBy: string[];
  escalated: boolean;
}

/** Why `approver` may not approve now, or null when they may. */
export function approvalRefusal(policy: Policy, tool: PolicyTool, context: ApprovalContext, approver: string): string | null {
  const rules = toolPolicy(policy, tool);
  if (!rules.allowSelfApproval && approver === context.startedBy) {
    return `${approver} started this run and policy "${policy.name}" forbids self-approval`;
  }
  if (context.approvedBy.includes(approver)) return `${approver} has already approved; ${rules.minApprovals} distinct approvers are needed`;
  const eligible = eligibleApprovers(policy, tool, context.escalated);
  if (eligible && !eligible.includes(approver)) {
    return `${approver} is not an allowed approver for ${declared(tool).name} (allowed: ${eligible.join(', ')})`;
  }
  return null;
}

export function eligibleApprovers(policy: Policy, tool: PolicyTool, escalated: boolean): string[] | null {
  const rules = toolPolicy(policy, tool);
  // Signatures required and no list: whoever holds a key the policy lists.
  const base = resolveApprovers(policy, rules.approvers) ?? (rules.requireSignedApprovals ? Object.keys(policy.publicKeys).sort() : null);
  if (!escalated || base === null) return base;
  return [...new Set([...base, ...(resolveApprovers(policy, rules.escalateTo) ?? [])])].sort();
}

/** Why `approver` may not reject now, or null: the gate's eligible approvers may reject, the run's starter included (they may withdraw it). */
export function rejectionRefusal(policy: Policy, tool: PolicyTool, escalated: boolean, approver: string): string | null {
  const eligible = eligibleApprovers(policy, tool, escalated);
  if (eligible && !eligible.includes(approver))
    return `${approver} may not reject ${declared(tool).name} (allowed: ${eligible.join(', ')})`;
  return null;
}

/** Why `operator` may not resume or abort a paused run, or null. */
export function operatorRefusal(policy: Policy, operator: string): string | null {
  const allowed = resolveApprovers(policy, policy.operators);
  if (allowed && !allowed.includes(operator))
    return `${operator} is not an operator under policy "${policy.name}" (allowed: ${allowed.join(', ')})`;
  return null;
}

/** Every tool's mode for a run: the run's choice over the policy's over the tool's own. */
export function toolModesOf(
  policy: Policy,
  runChoice: RunExecution | undefined,
  catalog: ToolCatalog = BUILTIN_TOOLS,
): Record<string, ToolExecution> {
  return Object.fromEntries(
    [...catalog.values()].map((tool) => [tool.name, executionOf(tool, toolPolicy(policy, tool).execution, runChoice)]),
  );
}
