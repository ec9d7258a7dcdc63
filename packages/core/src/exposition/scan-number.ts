/**
 * Strict number scanners. `Number()` alone is too lenient (it takes `0x1`, `Infinity`, `''`, blanks), so
 * the syntax is checked first with a small state machine and only a valid token is handed to `Number()`.
 *
 * Accepted: `[sign] digits [. digits] [e [sign] digits]` with at least one mantissa digit (`1.`, `.5`, `08`
 * are fine), and case-insensitive `inf`, `infinity` (optionally signed) and `nan` (never signed). Rejected:
 * hex, octal and binary forms, `_` separators, signed NaN, anything else — Go's `strconv.ParseFloat` as
 * expfmt uses it, minus hex floats, and the OpenMetrics ABNF.
 */
import { CH_DOT, CH_MINUS, CH_PLUS, isDigit } from './scan-chars.js';

/** Exact powers of ten: every one up to 1e22 is representable, so one multiply or divide rounds correctly. */
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/** The number in `s[start, end)`, or `undefined` when it is not a valid float. */
export function scanFloat(s: string, start: number, end: number): number | undefined {
  let i = start;
  if (i >= end) return undefined;
  let c = s.charCodeAt(i);
  const negative = c === CH_MINUS;
  if (negative || c === CH_PLUS) {
    i++;
    if (i >= end) return undefined;
    c = s.charCodeAt(i);
  }
  if (!isDigit(c) && c !== CH_DOT) return scanSpecial(s, start, end);
  // Mantissa digits accumulate in `mantissa` while they are exact (at most 15 significant digits); the value
  // is then mantissa × 10^exponent in one correctly rounded operation (Clinger's fast path), else Number().
  let digits = 0;
  let significant = 0;
  let mantissa = 0;
  let scale = 0;
  while (i < end) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    if (mantissa !== 0 || d !== 0) {
      mantissa = mantissa * 10 + d;
      significant++;
    }
    i++;
    digits++;
  }
  if (i < end && s.charCodeAt(i) === CH_DOT) {
    i++;
    while (i < end) {
      const d = s.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      if (mantissa !== 0 || d !== 0) {
        mantissa = mantissa * 10 + d;
        significant++;
      }
      scale--;
      i++;
      digits++;
    }
  }
  if (digits === 0) return undefined;
  if (i < end) {
    c = s.charCodeAt(i);
    if (c !== 0x65 && c !== 0x45) return undefined; // e E
    i++;
    let expNegative = false;
    if (i < end) {
      c = s.charCodeAt(i);
      if (c === CH_PLUS || c === CH_MINUS) {
        expNegative = c === CH_MINUS;
        i++;
      }
    }
    const expStart = i;
    let exp = 0;
    while (i < end) {
      const d = s.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      if (exp < 10000) exp = exp * 10 + d;
      i++;
    }
    if (i === expStart || i !== end) return undefined;
    scale += expNegative ? -exp : exp;
  }
  if (significant <= 15) {
    if (mantissa === 0) return negative ? -0 : 0;
    if (scale >= 0 && scale <= 22)
      return negative ? -(mantissa * (POW10[scale] as number)) : mantissa * (POW10[scale] as number);
    if (scale < 0 && scale >= -22)
      return negative ? -(mantissa / (POW10[-scale] as number)) : mantissa / (POW10[-scale] as number);
  }
  return Number(s.slice(start, end));
}

function scanSpecial(s: string, start: number, end: number): number | undefined {
  const token = s.slice(start, end).toLowerCase();
  switch (token) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/** True when the token is a finite literal whose value overflowed to ±Infinity (e.g. `1e400`). */
export function isOverflow(value: number, s: string, start: number): boolean {
  if (value !== Infinity && value !== -Infinity) return false;
  let c = s.charCodeAt(start);
  if (c === CH_PLUS || c === CH_MINUS) c = s.charCodeAt(start + 1);
  return isDigit(c) || c === CH_DOT;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** A Go `strconv.ParseInt(s, 10, 64)`: `[sign] digits`, in range. Returns `undefined` when invalid. */
export function scanInt64(s: string, start: number, end: number): number | undefined {
  let i = start;
  if (i < end) {
    const c = s.charCodeAt(i);
    if (c === CH_PLUS || c === CH_MINUS) i++;
  }
  const digitsStart = i;
  while (i < end && isDigit(s.charCodeAt(i))) i++;
  if (i === digitsStart || i !== end) return undefined;
  if (end - digitsStart >= 19) {
    const big = BigInt(s.slice(start, end));
    if (big > INT64_MAX || big < INT64_MIN) return undefined;
  }
  return Number(s.slice(start, end));
}
