/** Execution modes: the run's choice over the policy's over the registry's, and the `--execution` syntax. */
import { executionOf, parseRunExecution } from '../../src/shared/execution';
import { Policy } from '../../src/shared/policy';
import { TOOLS } from '../../src/shared/tools';

test('registry defaults: pure tools local, model calls and the write remote', () => {
  expect(Object.fromEntries(Object.values(TOOLS).map((t) => [t.name, t.execution]))).toEqual({
    plan_run: 'remote',
    search_sources: 'local',
    extract_facts: 'local',
    draft_report: 'remote',
    review_draft: 'remote',
    finalize_report: 'remote',
  });
});

test('the run overrides the policy, which overrides the registry', () => {
  expect(executionOf('search_sources', undefined, undefined)).toBe('local');
  expect(executionOf('search_sources', 'remote', undefined)).toBe('remote');
  expect(executionOf('search_sources', 'remote', 'local')).toBe('local');
  expect(executionOf('plan_run', 'local', { search_sources: 'remote' })).toBe('local');
  expect(executionOf('plan_run', undefined, { plan_run: 'local' })).toBe('local');
});

test('--execution text: one mode, or tool=mode pairs; anything else is one line naming it', () => {
  expect(parseRunExecution('local')).toBe('local');
  expect(parseRunExecution(' remote ')).toBe('remote');
  expect(parseRunExecution('plan_run=local, finalize_report=remote')).toEqual({ plan_run: 'local', finalize_report: 'remote' });
  expect(() => parseRunExecution('fast')).toThrow(/^invalid execution "fast": use local, remote, or tool=local\|remote/);
  expect(() => parseRunExecution('plan_run=fast')).toThrow(/the mode must be local or remote/);
  expect(() => parseRunExecution('plan_run=local=remote')).toThrow(/invalid execution/);
  expect(() => parseRunExecution('__proto__=local')).toThrow(/invalid execution/);
});

test("a policy may set a tool's mode; anything but local or remote is refused", () => {
  expect(Policy.parse({ version: 1, name: 'p', tools: { plan_run: { execution: 'local' } } }).tools.plan_run?.execution).toBe('local');
  expect(Policy.safeParse({ version: 1, name: 'p', tools: { plan_run: { execution: 'nearby' } } }).success).toBe(false);
});
