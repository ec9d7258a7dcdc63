/**
 * Escape decoding for label values, quoted names and HELP text. Callers take the fast path (a plain
 * `slice`) when the scanned text holds no backslash and only call these for the rare escaped token.
 */
import { CH_BACKSLASH, CH_QUOTE } from './scan-chars.js';

/**
 * How a backslash sequence other than `\\`, `\n` (and, where allowed, `\"`) is treated:
 * `reject` (text 0.0.4) makes the token invalid; `keep` (OpenMetrics) keeps the backslash and the char.
 */
export type UnknownEscape = 'reject' | 'keep';

/**
 * Decodes `s[start, end)`. Returns `undefined` when the text holds an escape that `unknown` rejects or
 * ends with a lone backslash (under `reject`).
 */
export function unescapeRange(
  s: string,
  start: number,
  end: number,
  unknown: UnknownEscape,
): string | undefined {
  let out = '';
  let from = start;
  let i = start;
  while (i < end) {
    if (s.charCodeAt(i) !== CH_BACKSLASH) {
      i++;
      continue;
    }
    out += s.slice(from, i);
    if (i + 1 >= end) {
      if (unknown === 'reject') return undefined;
      out += '\\';
      from = end;
      i = end;
      break;
    }
    const next = s.charCodeAt(i + 1);
    if (next === CH_BACKSLASH) out += '\\';
    else if (next === 0x6e) out += '\n';
    else if (next === CH_QUOTE) out += '"';
    else if (unknown === 'keep') out += s.slice(i, i + 2);
    else return undefined;
    i += 2;
    from = i;
  }
  return out + s.slice(from, end);
}

/** The first escape sequence in `s[start, end)` that is not `\\`, `\n` or `\"`, for error messages. */
export function firstBadEscape(s: string, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (s.charCodeAt(i) !== CH_BACKSLASH) continue;
    const next = i + 1 < end ? s.charCodeAt(i + 1) : -1;
    if (next === CH_BACKSLASH || next === 0x6e || next === CH_QUOTE) {
      i++;
      continue;
    }
    return next < 0 ? '\\' : s.slice(i, i + 2);
  }
  return '';
}

/**
 * End of a quoted string whose opening quote is at `open`: the index of the closing quote, or -1 when the
 * line ends first. Sets `state.escaped` when a backslash was seen and `state.badUtf16` when a lone
 * surrogate (what invalid UTF-8 becomes when decoded leniently) was seen.
 */
export function scanQuoted(s: string, open: number, end: number, state: QuotedScan): number {
  let i = open + 1;
  state.escaped = false;
  state.badUtf16 = false;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === CH_QUOTE) return i;
    if (c === CH_BACKSLASH) {
      state.escaped = true;
      i += 2;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const low = i + 1 < end ? s.charCodeAt(i + 1) : 0;
      if (c >= 0xdc00 || low < 0xdc00 || low > 0xdfff) state.badUtf16 = true;
      else i++;
    }
    i++;
  }
  return -1;
}

export interface QuotedScan {
  escaped: boolean;
  badUtf16: boolean;
}

/** `String.prototype.isWellFormed` (ES2024, Node >= 20): false when the string holds a lone surrogate. */
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Fast path for a quoted string opening at `open`: when it holds no backslash, returns its text (found with
 * native `indexOf`, no per-char loop) and sets `state.close` and `state.badUtf16`. Otherwise returns
 * `undefined` after the per-char `scanQuoted` (`state.close` is -1 when the line ends first), and the caller
 * decodes the escapes.
 */
export function readQuoted(
  s: string,
  open: number,
  end: number,
  state: QuotedScan & { close: number },
): string | undefined {
  const q = s.indexOf('"', open + 1);
  if (q >= 0 && q < end) {
    const raw = s.slice(open + 1, q);
    if (raw.indexOf('\\') < 0) {
      state.close = q;
      state.escaped = false;
      state.badUtf16 = !isWellFormed(raw);
      return raw;
    }
  }
  state.close = scanQuoted(s, open, end, state);
  return undefined;
}
