/**
 * The declarative policy: which tools may run, which need approval, who may approve, for how
 * long, and argument rules. Pure (no I/O): the workflow evaluates it on the snapshot in its
 * input, and tests exercise it directly.
 */
import { z } from 'zod';
import { ActionCategory, TOOLS, TOOL_NAMES, ToolName } from './tools';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`invalid duration "${text}": use a number and ms, s, m, h or d`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

const Duration = z.string().regex(DURATION, 'a duration such as 90s, 30m, 24h or 7d');

const validRegex = (source: string, flags = '') => {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
};

const ArgumentRule = z.discriminatedUnion('deny', [
  z
    .object({
      deny: z.literal('topic_matches'),
      pattern: z.string().min(1),
      flags: z
        .string()
        .regex(/^[imsu]*$/, 'regex flags from i, m, s, u')
        .optional(),
      reason: z.string().optional(),
    })
    .strict()
    .refine((r) => validRegex(r.pattern, r.flags), { message: 'not a valid regular expression', path: ['pattern'] }),
  z.object({ deny: z.literal('path_outside_roots'), reason: z.string().optional() }).strict(),
]);
export type ArgumentRule = z.infer<typeof ArgumentRule>;

/** An approver is a name (`alice`) or a role from the policy's role map (`role:reviewers`). */
const ApproverRef = z.string().regex(/^(role:)?[A-Za-z0-9._@-]+$/, 'a name or role:<role>');

const ToolPolicy = z
  .object({
    enabled: z.boolean().default(true),
    category: z.enum(['read_only', 'transform', 'model_generation', 'filesystem_write']).optional(),
    approval: z.enum(['never', 'required']).optional(),
    /** For filesystem_write tools: folders under the worker's output root the tool may write in. */
    writeRoots: z.array(z.string().min(1)).min(1).optional(),
    rules: z.array(ArgumentRule).default([]),
    /** Empty or absent: anyone may approve. */
    approvers: z.array(ApproverRef).default([]),
    minApprovals: z.number().int().min(1).max(10).default(1),
    allowSelfApproval: z.boolean().default(true),
    timeout: Duration.optional(),
    onTimeout: z.enum(['reject', 'escalate']).default('reject'),
    escalateTo: z.array(ApproverRef).default([]),
  })
  .strict();
export type ToolPolicy = z.infer<typeof ToolPolicy>;

export const Policy = z
  .object({
    version: z.literal(1),
    name: z.string().min(1).max(100),
    description: z.string().optional(),
    roles: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/, 'a role name'), z.array(z.string().min(1))).default({}),
    tools: z.record(z.string(), ToolPolicy).default({}),
    /** Per-run limits; a run's own tokenBudget option can only lower them. */
    budget: z.object({ maxTotalTokens: z.number().int().positive() }).strict().optional(),
  })
  .strict()
  .superRefine((policy, ctx) => {
    for (const [name, tool] of Object.entries(policy.tools)) {
      if (!(TOOL_NAMES as string[]).includes(name)) {
        ctx.addIssue({ code: 'custom', path: ['tools', name], message: `unknown tool; known tools: ${TOOL_NAMES.join(', ')}` });
        continue;
      }
      const declared = TOOLS[name as ToolName].category;
      if (tool.category && tool.category !== declared) {
        ctx.addIssue({ code: 'custom', path: ['tools', name, 'category'], message: `is ${declared} in the tool registry` });
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
      if (tool.rules.some((r) => r.deny === 'path_outside_roots') && !tool.writeRoots) {
        ctx.addIssue({ code: 'custom', path: ['tools', name, 'writeRoots'], message: 'required by the path_outside_roots rule' });
      }
    }
  });
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

/**
 * Behaviour of runs started before policies existed (no snapshot in their input): the risky
 * tool needs one approval from anyone, with no expiry.
 */
export const BUILTIN_POLICY: Policy = Policy.parse({ version: 1, name: 'builtin' });

/** The effective rules for one tool: the policy's entry over the registry's defaults. */
export function toolPolicy(policy: Policy, tool: ToolName): ToolPolicy & { approval: 'never' | 'required'; category: ActionCategory } {
  const entry = policy.tools[tool] ?? ToolPolicy.parse({});
  return {
    ...entry,
    category: TOOLS[tool].category,
    approval: entry.approval ?? (TOOLS[tool].risky ? 'required' : 'never'),
  };
}

export interface CallFacts {
  topic: string;
  /** For filesystem_write tools: the path relative to the worker's output root. */
  outputPath?: string;
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

export function evaluateToolCall(policy: Policy, tool: ToolName, facts: CallFacts): CallVerdict {
  const rules = toolPolicy(policy, tool);
  if (!rules.enabled) return { allowed: false, reason: `${tool} is disabled by policy "${policy.name}"` };
  for (const rule of rules.rules) {
    if (rule.deny === 'topic_matches' && new RegExp(rule.pattern, rule.flags).test(facts.topic)) {
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
  return { allowed: true, approvalRequired: rules.approval === 'required' };
}

/** The names a list of approver references stands for; null means anyone. */
export function resolveApprovers(policy: Policy, refs: string[]): string[] | null {
  if (!refs.length) return null;
  const names = refs.flatMap((ref) => (ref.startsWith('role:') ? (policy.roles[ref.slice(5)] ?? []) : [ref]));
  return [...new Set(names)].sort();
}

export interface ApprovalContext {
  startedBy: string;
  /** Distinct approvers so far. */
  approvedBy: string[];
  escalated: boolean;
}

/** Why `approver` may not approve now, or null when they may. */
export function approvalRefusal(policy: Policy, tool: ToolName, context: ApprovalContext, approver: string): string | null {
  const rules = toolPolicy(policy, tool);
  if (!rules.allowSelfApproval && approver === context.startedBy) {
    return `${approver} started this run and policy "${policy.name}" forbids self-approval`;
  }
  if (context.approvedBy.includes(approver)) return `${approver} has already approved; ${rules.minApprovals} distinct approvers are needed`;
  const eligible = eligibleApprovers(policy, tool, context.escalated);
  if (eligible && !eligible.includes(approver)) {
    return `${approver} is not an allowed approver for ${tool} (allowed: ${eligible.join(', ')})`;
  }
  return null;
}

export function eligibleApprovers(policy: Policy, tool: ToolName, escalated: boolean): string[] | null {
  const rules = toolPolicy(policy, tool);
  const base = resolveApprovers(policy, rules.approvers);
  if (!escalated || base === null) return base;
  return [...new Set([...base, ...(resolveApprovers(policy, rules.escalateTo) ?? [])])].sort();
}
