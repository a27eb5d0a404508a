/**
 * Who a person is, as the harness compares names: two names are the same person when their
 * canonical forms are equal. Canonical = Unicode NFKC (so a non-breaking or full-width space is a
 * space and `ａｌｉｃｅ` is `alice`), invisible format characters removed (zero-width spaces, bidi
 * marks), runs of whitespace collapsed to one space, trimmed, lower-cased. Control characters are
 * refused, not stripped (tab and line breaks are whitespace). Every door applies it: decision payloads, the run's starter, the policy's
 * approvers, escalation lists, operators and roles. Look-alike letters from other scripts
 * (Cyrillic `а` for Latin `a`) stay distinct: names are asserted, not authenticated.
 */
import { z } from 'zod';

export const MAX_NAME_LENGTH = 100;

/** Control characters other than tab and line breaks, which count as whitespace. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

export function canonicalName(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase();
}

/** A person's name in canonical form; what the trace, quorum and self-approval compare. */
export const PersonName = z
  .string({ error: (issue) => (issue.input === undefined ? 'required: say who decides' : 'expected a name (a string)') })
  .max(MAX_NAME_LENGTH * 4, `at most ${MAX_NAME_LENGTH} characters`)
  .refine((raw) => !CONTROL.test(raw), 'must not contain control characters')
  .transform(canonicalName)
  .pipe(z.string().min(1, 'a name is required (who decides)').max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`));
