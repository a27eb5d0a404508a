/**
 * Everything the CLI prints passes through here. Topics, titles, names, reasons and model text
 * come from other people: escape sequences in them must not reach the terminal, where they could
 * move the cursor, rewrite earlier lines, set the window title or hide text. Control characters
 * (C0 but tab and newline, DEL, C1) and bidirectional overrides are shown as visible escapes.
 */

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

const visible = (char: string) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`;

export function safeText(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** JSON.stringify escapes C0 only; C1 and bidi controls are escaped too (the output stays valid JSON). */
export function safeJson(value: unknown, indent: number = 2): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE, visible);
}

export const say = (text: string): void => void process.stdout.write(safeText(text));
export const warn = (text: string): void => void process.stderr.write(safeText(text));
