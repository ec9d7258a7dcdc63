/**
 * Character classes shared by the exposition scanners. Everything works on UTF-16 char codes read with
 * `charCodeAt`, so the hot loops never allocate.
 */
export const CH_TAB = 0x09;
export const CH_LF = 0x0a;
export const CH_CR = 0x0d;
export const CH_SPACE = 0x20;
export const CH_QUOTE = 0x22;
export const CH_HASH = 0x23;
export const CH_PLUS = 0x2b;
export const CH_COMMA = 0x2c;
export const CH_MINUS = 0x2d;
export const CH_DOT = 0x2e;
export const CH_EQUALS = 0x3d;
export const CH_BACKSLASH = 0x5c;
export const CH_LBRACE = 0x7b;
export const CH_RBRACE = 0x7d;

export function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Character classes of ASCII (bytes and UTF-16 units alike): bit 1 = metric-name start, 2 = metric-name char,
 * 4 = label-name start, 8 = label-name char. 256 entries, so a byte indexes it without a bounds check.
 */
export const NAME_CLASS = new Uint8Array(256);
const CLASS = NAME_CLASS;
for (let c = 0; c < 128; c++) {
  const alpha = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  const digit = c >= 0x30 && c <= 0x39;
  CLASS[c] =
    (alpha || c === 0x3a ? 1 : 0) |
    (alpha || digit || c === 0x3a ? 2 : 0) |
    (alpha ? 4 : 0) |
    (alpha || digit ? 8 : 0);
}

/** `[a-zA-Z_:]` */
export function isMetricNameStart(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 1) !== 0;
}

/** `[a-zA-Z0-9_:]` */
export function isMetricNameChar(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 2) !== 0;
}

/** `[a-zA-Z_]` */
export function isLabelNameStart(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 4) !== 0;
}

/** `[a-zA-Z0-9_]` */
export function isLabelNameChar(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 8) !== 0;
}

/** Index of the first char at or after `i` that is neither space nor tab (or `end`). */
export function skipBlanks(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== CH_SPACE && c !== CH_TAB) return i;
    i++;
  }
  return end;
}

/** Index of the first space or tab at or after `i` (or `end`). */
export function findBlank(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === CH_SPACE || c === CH_TAB) return i;
    i++;
  }
  return end;
}

/** End of the metric name starting at `i` (`i` itself when there is none). */
export function scanMetricName(s: string, i: number, end: number): number {
  if (i >= end || !isMetricNameStart(s.charCodeAt(i))) return i;
  i++;
  while (i < end && isMetricNameChar(s.charCodeAt(i))) i++;
  return i;
}

/** End of the label name starting at `i` (`i` itself when there is none). */
export function scanLabelName(s: string, i: number, end: number): number {
  if (i >= end || !isLabelNameStart(s.charCodeAt(i))) return i;
  i++;
  while (i < end && isLabelNameChar(s.charCodeAt(i))) i++;
  return i;
}

/** True when the whole string is a valid classic metric name. */
export function isValidMetricName(name: string): boolean {
  return name.length > 0 && scanMetricName(name, 0, name.length) === name.length;
}

/** Number of Unicode code points (a surrogate pair counts once). */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** A short, quoted excerpt of a token for error messages (never more than 40 chars). */
export function quote(s: string, start = 0, end = s.length): string {
  const text = end - start > 40 ? `${s.slice(start, start + 40)}…` : s.slice(start, end);
  return JSON.stringify(text);
}
