/** A line-level summary of an edit, recorded when an approver changes the report. */
export interface DiffSummary {
  linesAdded: number;
  linesRemoved: number;
  linesBefore: number;
  linesAfter: number;
}

/** Counts lines by multiset difference: cheap, order-insensitive, enough for an audit line. */
export function diffSummary(before: string, after: string): DiffSummary {
  const count = (lines: string[]) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const a = before.split('\n');
  const b = after.split('\n');
  const left = count(a);
  let linesAdded = 0;
  for (const line of b) {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    else linesAdded++;
  }
  const linesRemoved = [...left.values()].reduce((sum, n) => sum + n, 0);
  return { linesAdded, linesRemoved, linesBefore: a.length, linesAfter: b.length };
}
