/** The policy module on its own: pure evaluation, no Temporal, no I/O. */
import {
  approvalRefusal,
  BUILTIN_POLICY,
  eligibleApprovers,
  evaluateToolCall,
  insideRoot,
  parseDuration,
  Policy,
  PolicyInput,
  resolveApprovers,
  toolPolicy,
} from '../../src/shared/policy';
import { newSigningKey } from '../../src/client/api/signing-keys';
import { describeZodError } from '../../src/shared/tool-contract';

const policy = (input: Partial<PolicyInput> = {}) => Policy.parse({ version: 1, name: 'test', ...input });

const strict = policy({
  roles: { reviewers: ['alice', 'bob'], leads: ['carol'] },
  tools: {
    plan_run: { rules: [{ deny: 'topic_matches', pattern: 'secret', flags: 'i', reason: 'no secrets' }] },
    search_sources: { enabled: false },
    finalize_report: {
      approval: 'required',
      writeRoots: ['reports'],
      rules: [{ deny: 'path_outside_roots' }],
      approvers: ['role:reviewers', 'dave'],
      minApprovals: 2,
      allowSelfApproval: false,
      timeout: '24h',
      onTimeout: 'escalate',
      escalateTo: ['role:leads'],
    },
  },
});

test('durations', () => {
  expect([parseDuration('90s'), parseDuration('30m'), parseDuration('24h'), parseDuration('7d'), parseDuration('250ms')]).toEqual([
    90_000, 1_800_000, 86_400_000, 604_800_000, 250,
  ]);
  expect(() => parseDuration('1 week')).toThrow(/invalid duration/);
});

test('paths: inside a root, never above it', () => {
  expect(insideRoot('reports/r1/final_report.md', 'reports')).toBe(true);
  expect(insideRoot('r1/final_report.md', '.')).toBe(true);
  expect(insideRoot('reports/../etc/x.md', 'reports')).toBe(false);
  expect(insideRoot('../x.md', '.')).toBe(false);
  expect(insideRoot('/etc/x.md', '.')).toBe(false);
  expect(insideRoot('reportsx/a.md', 'reports')).toBe(false);
  expect(insideRoot('reports', 'reports')).toBe(false);
});

test('built-in rules: only the risky tool needs approval, from anyone', () => {
  expect(evaluateToolCall(BUILTIN_POLICY, 'plan_run', { topic: 't' })).toEqual({ allowed: true, approvalRequired: false });
  expect(evaluateToolCall(BUILTIN_POLICY, 'finalize_report', { topic: 't', outputPath: 'a/b.md' })).toEqual({
    allowed: true,
    approvalRequired: true,
  });
  expect(eligibleApprovers(BUILTIN_POLICY, 'finalize_report', false)).toBeNull();
  expect(toolPolicy(BUILTIN_POLICY, 'finalize_report')).toMatchObject({
    minApprovals: 1,
    allowSelfApproval: true,
    category: 'filesystem_write',
  });
});

test('denials: disabled tools, topic patterns, paths outside the roots', () => {
  expect(evaluateToolCall(strict, 'search_sources', { topic: 'x' })).toEqual({
    allowed: false,
    reason: 'search_sources is disabled by policy "test"',
  });
  expect(evaluateToolCall(strict, 'plan_run', { topic: 'the SECRET plan' })).toEqual({ allowed: false, reason: 'no secrets' });
  expect(evaluateToolCall(strict, 'plan_run', { topic: 'open research' })).toEqual({ allowed: true, approvalRequired: false });
  expect(evaluateToolCall(strict, 'finalize_report', { topic: 't', outputPath: 'elsewhere/r.md' })).toEqual({
    allowed: false,
    reason: 'elsewhere/r.md is outside the allowed write roots reports',
  });
  expect(evaluateToolCall(strict, 'finalize_report', { topic: 't', outputPath: 'reports/r/final_report.md' })).toEqual({
    allowed: true,
    approvalRequired: true,
  });
});

test("maxCalls and requires judge a call by the run's earlier calls", () => {
  const p = policy({
    tools: {
      finalize_report: {
        maxCalls: 1,
        requires: [{ after: 'review_draft', where: { passed: true }, same: { sha256: 'sha256' } }],
      },
    },
  });
  const earlier = (count: number, reviews: Record<string, unknown>[]) => ({
    count: (tool: string) => (tool === 'finalize_report' ? count : 0),
    outputs: (tool: string) => (tool === 'review_draft' ? reviews : []),
  });
  const call = { topic: 't', args: { runId: 'r', markdown: 'm', sha256: 'a'.repeat(64) } };
  const passed = { passed: true, sha256: 'a'.repeat(64) };
  expect(evaluateToolCall(p, 'finalize_report', { ...call, earlier: earlier(0, [passed]) })).toEqual({
    allowed: true,
    approvalRequired: true,
  });
  expect(evaluateToolCall(p, 'finalize_report', { ...call, earlier: earlier(0, []) })).toEqual({
    allowed: false,
    reason: "finalize_report needs an earlier review_draft with passed = true whose sha256 is this call's sha256; the run has none",
  });
  // A failed review of the same draft, or a passed review of another, is not the one needed.
  for (const reviews of [[{ ...passed, passed: false }], [{ ...passed, sha256: 'b'.repeat(64) }]])
    expect(evaluateToolCall(p, 'finalize_report', { ...call, earlier: earlier(0, reviews) })).toMatchObject({ allowed: false });
  expect(evaluateToolCall(p, 'finalize_report', { ...call, earlier: earlier(1, [passed]) })).toEqual({
    allowed: false,
    reason: 'finalize_report may run at most 1 time(s) in a run, and it has',
  });
  // Without the run's calls (a caller that keeps none) neither rule is judged.
  expect(evaluateToolCall(p, 'finalize_report', call)).toEqual({ allowed: true, approvalRequired: true });
});

test('approvers: roles, self-approval, duplicates, escalation', () => {
  const context = { startedBy: 'alice', approvedBy: [] as string[], escalated: false };
  expect(eligibleApprovers(strict, 'finalize_report', false)).toEqual(['alice', 'bob', 'dave']);
  expect(approvalRefusal(strict, 'finalize_report', context, 'bob')).toBeNull();
  expect(approvalRefusal(strict, 'finalize_report', context, 'alice')).toMatch(/alice started this run .* forbids self-approval/);
  expect(approvalRefusal(strict, 'finalize_report', context, 'mallory')).toBe(
    'mallory is not an allowed approver for finalize_report (allowed: alice, bob, dave)',
  );
  expect(approvalRefusal(strict, 'finalize_report', { ...context, approvedBy: ['bob'] }, 'bob')).toMatch(
    /bob has already approved; 2 distinct/,
  );
  expect(approvalRefusal(strict, 'finalize_report', context, 'carol')).toMatch(/not an allowed approver/);
  expect(approvalRefusal(strict, 'finalize_report', { ...context, escalated: true }, 'carol')).toBeNull();
});

test.each([
  [{ tools: { delete_everything: {} } }, /tools\.delete_everything: unknown tool/],
  [{ tools: { finalize_report: { category: 'read_only' } } }, /tools\.finalize_report\.category: is filesystem_write in the tool registry/],
  [{ tools: { finalize_report: { approvers: ['role:ghosts'] } } }, /tools\.finalize_report\.approvers: unknown role "ghosts"/],
  [{ tools: { finalize_report: { onTimeout: 'escalate' } } }, /tools\.finalize_report\.escalateTo: required when onTimeout is escalate/],
  [{ tools: { finalize_report: { timeout: 'soon' } } }, /tools\.finalize_report\.timeout: a duration/],
  [
    { tools: { plan_run: { rules: [{ deny: 'topic_matches', pattern: '(' }] } } },
    /tools\.plan_run\.rules\.0\.pattern: not a pattern RE2 accepts \(error parsing regexp: missing closing \)/,
  ],
  // What RE2 does not have (backreferences, lookaround) is refused when the policy is read.
  [{ tools: { plan_run: { rules: [{ deny: 'topic_matches', pattern: '(a)\\1' }] } } }, /rules\.0\.pattern: not a pattern RE2 accepts/],
  [{ tools: { plan_run: { rules: [{ deny: 'topic_matches', pattern: '(?=a)b' }] } } }, /rules\.0\.pattern: not a pattern RE2 accepts/],
  // Values the workflow cannot keep: timers beyond ten years or below a second.
  [{ tools: { finalize_report: { timeout: '9999999999d' } } }, /tools\.finalize_report\.timeout: at most 3650d/],
  [{ tools: { finalize_report: { timeout: '99999999999999d' } } }, /tools\.finalize_report\.timeout: a duration/],
  [{ tools: { finalize_report: { timeout: '99999d' } } }, /tools\.finalize_report\.timeout: at most 3650d/],
  [{ tools: { finalize_report: { timeout: '0s' } } }, /tools\.finalize_report\.timeout: at least 1s/],
  // A quorum nobody can reach.
  [
    { roles: { reviewers: ['alice'] }, tools: { finalize_report: { approvers: ['role:reviewers'], minApprovals: 2 } } },
    /tools\.finalize_report\.minApprovals: 2 approvals needed but the approvers list only 1 \(alice\)/,
  ],
  [
    { roles: { empty: [] }, tools: { finalize_report: { approvers: ['role:empty'] } } },
    /minApprovals: 1 approvals needed but the approvers list only 0 \(nobody\)/,
  ],
  // Write roots stay under the output root.
  [
    { tools: { finalize_report: { writeRoots: ['../elsewhere'] } } },
    /tools\.finalize_report\.writeRoots\.0: no "\.\.", "\." or empty segments/,
  ],
  [{ tools: { finalize_report: { writeRoots: ['/etc'] } } }, /tools\.finalize_report\.writeRoots\.0: a path relative to the output root/],
  [{ tools: { finalize_report: { writeRoots: ['reports//x'] } } }, /writeRoots\.0: no "\.\.", "\." or empty segments/],
  [{ tools: { plan_run: { writeRoots: ['reports'] } } }, /tools\.plan_run\.writeRoots: only for filesystem_write tools/],
  // Names: the same role twice once normalized, a control character in a name.
  [{ roles: { Leads: ['carol'], leads: ['dave'] } }, /roles\.leads: the same role as "leads"/],
  [
    { tools: { finalize_report: { approvers: ['ali\u0007ce'] } } },
    /approvers\.0: a name or role:<role>: must not contain control characters/,
  ],
  [{ tools: { finalize_report: { minApprovals: 0 } } }, /tools\.finalize_report\.minApprovals: /],
  // Prerequisites name a tool the worker has, fields its output has and arguments this tool takes.
  [
    { tools: { finalize_report: { requires: [{ after: 'review_it' }] } } },
    /tools\.finalize_report\.requires\.0\.after: unknown tool "review_it"/,
  ],
  [
    { tools: { finalize_report: { requires: [{ after: 'review_draft', where: { ok: true } }] } } },
    /requires\.0: "ok" is not a field of review_draft's output \(passed, findings, provider, sha256, usage\)/,
  ],
  [
    { tools: { finalize_report: { requires: [{ after: 'review_draft', same: { digest: 'sha256' } }] } } },
    /requires\.0\.same: "digest" is not an argument of finalize_report \(runId, markdown, sha256, relativePath\)/,
  ],
  [{ tools: { finalize_report: { requires: [{ after: 'review_draft', where: { passed: [true] } }] } } }, /requires\.0\.where\.passed: /],
  [{ tools: { finalize_report: { maxCalls: 0 } } }, /tools\.finalize_report\.maxCalls: /],
])('invalid policy %j is refused with the field named', (input, message) => {
  const parsed = Policy.safeParse({ version: 1, name: 'bad', ...input });
  expect(parsed.success).toBe(false);
  expect(describeZodError(parsed.error!)).toMatch(message);
});

test('names are compared in canonical form everywhere in a policy', () => {
  const p = policy({
    roles: { Reviewers: ['Alice', 'BOB\u00a0'], leads: ['ｃａｒｏｌ'] },
    operators: ['role:REVIEWERS'],
    tools: { finalize_report: { approvers: ['role:Reviewers', ' Dave '], minApprovals: 2, allowSelfApproval: false } },
  });
  expect(p.roles).toEqual({ reviewers: ['alice', 'bob'], leads: ['carol'] });
  expect(eligibleApprovers(p, 'finalize_report', false)).toEqual(['alice', 'bob', 'dave']);
  expect(p.operators).toEqual(['role:reviewers']);
  const context = { startedBy: 'alice', approvedBy: ['bob'], escalated: false };
  expect(approvalRefusal(p, 'finalize_report', context, 'alice')).toMatch(/forbids self-approval/);
  expect(approvalRefusal(p, 'finalize_report', context, 'bob')).toMatch(/bob has already approved/);
});

// A backtracking engine would not return from this within the test's timeout (nor the universe's age).
test('a catastrophic pattern is matched in linear time', () => {
  const p = policy({ tools: { plan_run: { rules: [{ deny: 'topic_matches', pattern: '^(a+)+$' }] } } });
  expect(evaluateToolCall(p, 'plan_run', { topic: `${'a'.repeat(5_000)}!` })).toEqual({ allowed: true, approvalRequired: false });
  expect(evaluateToolCall(p, 'plan_run', { topic: 'a'.repeat(5_000) })).toMatchObject({ allowed: false });
});

test('names from a file are data: `constructor` is a role and a person like any other, `__proto__` is refused', () => {
  const loaded = policy({
    roles: { constructor: ['toString'], leads: ['carol'] },
    publicKeys: { constructor: [newSigningKey().publicKey], hasOwnProperty: [newSigningKey().publicKey] },
    tools: { finalize_report: { approvers: ['role:constructor', 'role:leads'] } },
  });
  expect(loaded.roles).toEqual({ constructor: ['tostring'], leads: ['carol'] });
  expect(Object.keys(loaded.publicKeys).sort()).toEqual(['constructor', 'hasownproperty']);
  expect(eligibleApprovers(loaded, 'finalize_report', false)).toEqual(['carol', 'tostring']);
  // A role the policy does not define stands for nobody, even when Object has a member of that name.
  expect(resolveApprovers(policy(), ['role:constructor', 'dave'])).toEqual(['dave']);
  for (const field of ['roles', 'publicKeys', 'tools'] as const) {
    const parsed = Policy.safeParse(JSON.parse(`{"version": 1, "name": "p", "${field}": {"__proto__": {}}}`));
    expect(parsed.success).toBe(false);
    expect(describeZodError(parsed.error!)).toMatch(new RegExp(`^${field}\\.__proto__: a reserved name`));
  }
});
