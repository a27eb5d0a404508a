/** A fixture's expectations held against what the run left: its snapshot and its report file. */
import { createHash } from 'node:crypto';
import { readVerifiedReport } from '../client/api/report-file';
import type { RunSnapshot } from '../shared/run-snapshot';
import type { Fixture } from './fixtures';

export interface Check {
  name: string;
  passed: boolean;
  expected: unknown;
  actual: unknown;
}

const check = (name: string, expected: unknown, actual: unknown, passed = JSON.stringify(expected) === JSON.stringify(actual)): Check => ({
  name,
  passed,
  expected,
  actual,
});

/** `outputRoot`: where the worker writes; the report is read only from under it, as approved (report-file.ts). */
export async function checkRun(expect: Fixture['expect'], { state }: RunSnapshot, outputRoot: string): Promise<Check[]> {
  const checks: Check[] = [];
  if (expect.status) checks.push(check('status', expect.status, state.status));
  if (expect.currentStep !== undefined) checks.push(check('current step', expect.currentStep, state.currentStep));
  const types = state.trace.map((e) => e.type);
  if (expect.events) {
    for (const type of expect.events.include) checks.push(check(`event ${type}`, 'present', types.includes(type) ? 'present' : 'absent'));
    for (const type of expect.events.exclude) checks.push(check(`no event ${type}`, 'absent', types.includes(type) ? 'present' : 'absent'));
    if (expect.events.atLeast !== undefined)
      checks.push(check('trace events', `>= ${expect.events.atLeast}`, types.length, types.length >= expect.events.atLeast));
    for (const [type, count] of Object.entries(expect.events.count))
      checks.push(check(`${type} count`, count, types.filter((t) => t === type).length));
  }
  for (const [tool, attempts] of Object.entries(expect.attempts ?? {})) {
    const actual = state.steps.filter((s) => s.tool === tool).reduce((sum, s) => sum + s.attempts, 0);
    checks.push(check(`${tool} attempts`, attempts, actual));
  }
  if (expect.report) checks.push(...(await checkReport(expect.report, state, outputRoot)));
  return checks;
}

async function checkReport(
  expect: NonNullable<Fixture['expect']['report']>,
  state: RunSnapshot['state'],
  outputRoot: string,
): Promise<Check[]> {
  const report = state.artifacts.report;
  const text = report ? await readVerifiedReport(report, outputRoot).catch(() => null) : null;
  const checks = [check('report exists', expect.exists, text !== null)];
  if (text === null) return checks;
  const lines = text.split('\n');
  for (const section of expect.sections)
    checks.push(check(`section "${section}"`, 'present', lines.includes(section) ? 'present' : 'absent'));
  for (const sentence of expect.contains) checks.push(check(`contains "${sentence}"`, true, text.includes(sentence)));
  for (const sentence of expect.notContains) checks.push(check(`does not contain "${sentence}"`, false, text.includes(sentence)));
  if (expect.digestIsApproved) {
    const approved = state.gates?.filter((g) => g.tool === 'finalize_report' && g.outcome === 'approved').at(-1)?.digest ?? null;
    checks.push(check('report digest is the approved one', approved, createHash('sha256').update(text).digest('hex')));
  }
  return checks;
}
