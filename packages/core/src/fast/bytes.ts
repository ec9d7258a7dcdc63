/**
 * Byte-level helpers shared by the fast path's readers (text-part.ts, openmetrics-part.ts).
 */
import { NAME_CLASS } from '../exposition/scan-chars.js';

/**
 * The index of the `"` that closes a label value starting at `start` (just after its opening quote): -1 when
 * the line ends first, -2 at an escape other than `\\`, `\"` and `\n` (the parsers reject those).
 */
export function closingQuote(b: Buffer, start: number, end: number): number {
  let i = start;
  for (;;) {
    if (i >= end) return -1;
    const c = b[i]!;
    if (c === 0x22) return i;
    if (c === 0x5c) {
      const next = i + 1 < end ? b[i + 1] : -1;
      if (next !== 0x5c && next !== 0x22 && next !== 0x6e) return -2;
      i += 2;
      continue;
    }
    i++;
  }
}

/** How many escapes a label value `b[start, close)` holds (two bytes each for one character). */
export function escapeCount(b: Buffer, start: number, close: number): number {
  let n = 0;
  for (let i = start; i < close; i++) {
    if (b[i] === 0x5c) {
      n++;
      i++;
    }
  }
  return n;
}

/** Name character classes (see scan-chars.ts), indexed by byte. */
export const CLASS = NAME_CLASS;

/**
 * A set of byte ranges of one body (open addressing, FNV-1a): finds duplicate series without a string
 * per line.
 */
export class SeriesSet {
  private slots: Int32Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private size = 0;

  constructor(
    private readonly b: Buffer,
    expected: number,
  ) {
    let cap = 64;
    while (cap < expected * 2) cap <<= 1;
    this.slots = new Int32Array(cap);
    this.starts = new Int32Array(cap >> 1);
    this.ends = new Int32Array(cap >> 1);
  }

  /** Adds `b[start, end)`; false when it is already there. */
  add(start: number, end: number): boolean {
    const b = this.b;
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    const mask = this.slots.length - 1;
    let at = h & mask;
    const len = end - start;
    for (;;) {
      const slot = this.slots[at]!;
      if (slot === 0) break;
      const s = this.starts[slot - 1]!;
      if (this.ends[slot - 1]! - s === len && sameBytes(b, s, start, len)) return false;
      at = (at + 1) & mask;
    }
    if ((this.size + 1) * 2 > this.slots.length) {
      this.grow();
      return this.add(start, end);
    }
    this.starts[this.size] = start;
    this.ends[this.size] = end;
    this.size++;
    this.slots[at] = this.size;
    return true;
  }

  private grow(): void {
    const cap = this.slots.length * 2;
    const starts = new Int32Array(cap >> 1);
    const ends = new Int32Array(cap >> 1);
    starts.set(this.starts.subarray(0, this.size));
    ends.set(this.ends.subarray(0, this.size));
    this.starts = starts;
    this.ends = ends;
    this.slots = new Int32Array(cap);
    const b = this.b;
    const mask = cap - 1;
    for (let k = 0; k < this.size; k++) {
      let h = 0x811c9dc5;
      for (let i = starts[k]!; i < ends[k]!; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
      let at = h & mask;
      while (this.slots[at] !== 0) at = (at + 1) & mask;
      this.slots[at] = k + 1;
    }
  }
}

export function sameBytes(b: Buffer, x: number, y: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (b[x + k] !== b[y + k]) return false;
  return true;
}

export function sameAscii(b: Buffer, at: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) if (b[at + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** End of the name at `i` with first-char class `first` and class `rest` (`i` itself when none). */
export function scanName(b: Buffer, i: number, end: number, first: number, rest: number): number {
  if (i >= end || (CLASS[b[i]!]! & first) === 0) return i;
  i++;
  while (i < end && (CLASS[b[i]!]! & rest) !== 0) i++;
  return i;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The value of `b[start, end)` when it is exactly what `formatValue` writes for that number (so it can be
 * copied as it is): `-?(0|[1-9]\d*)(\.\d*[1-9])?` with at most 15 digits (the shortest round-trip form
 * then has the same digits, and the value is one exact division) and, below 1, at most five zeros after
 * the point (below 1e-6 JavaScript switches to exponent form). NaN when it is not.
 */
export function canonicalValue(b: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = i < end && b[i] === 0x2d;
  if (negative) i++;
  const intStart = i;
  let m = 0;
  while (i < end) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    i++;
  }
  const intDigits = i - intStart;
  if (intDigits === 0 || intDigits > 15 || (intDigits > 1 && b[intStart] === 0x30)) return NaN;
  if (i === end) return negative ? -m : m;
  if (b[i] !== 0x2e) return NaN;
  i++;
  const fracStart = i;
  while (i < end) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) return NaN;
    m = m * 10 + d;
    i++;
  }
  const fracDigits = end - fracStart;
  if (fracDigits === 0 || b[end - 1] === 0x30 || intDigits + fracDigits > 15) return NaN;
  if (intDigits === 1 && b[intStart] === 0x30) {
    let zeros = 0;
    while (zeros < fracDigits && b[fracStart + zeros] === 0x30) zeros++;
    if (zeros > 5) return NaN;
  }
  const v = m / POW10[fracDigits]!;
  return negative ? -v : v;
}

/**
 * The bound of an `le` spelled `+Inf` or `-?\d+(\.\d+)?` (spellings every writer keeps as they are), else
 * NaN.
 */
export function leValue(b: Uint8Array, start: number, end: number): number {
  if (
    end - start === 4 &&
    b[start] === 0x2b &&
    b[start + 1] === 0x49 &&
    b[start + 2] === 0x6e &&
    b[start + 3] === 0x66
  ) {
    return Infinity;
  }
  let i = start;
  const negative = i < end && b[i] === 0x2d;
  if (negative) i++;
  const intStart = i;
  let m = 0;
  while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) m = m * 10 + (b[i++]! - 0x30);
  if (i === intStart) return NaN;
  let fracDigits = 0;
  if (i < end) {
    if (b[i] !== 0x2e) return NaN;
    i++;
    const fracStart = i;
    while (i < end && b[i]! >= 0x30 && b[i]! <= 0x39) m = m * 10 + (b[i++]! - 0x30);
    if (i !== end || i === fracStart) return NaN;
    fracDigits = i - fracStart;
  }
  // Exact while the digits fit in 15 (one correctly rounded division); else Number() on the text.
  const v =
    i - intStart - (fracDigits > 0 ? 1 : 0) <= 15
      ? m / POW10[fracDigits]!
      : Number(String.fromCharCode(...b.subarray(negative ? start + 1 : start, end)));
  return negative ? -v : v;
}

/**
 * The label bytes of a series group (all labels but `le`/`quantile`): one or two ranges of the body, `le` or
 * `quantile` and its comma cut out. Both readers compare consecutive samples' groups with it.
 */
export class GroupBytes {
  g0 = 0;
  g1 = 0;
  g2 = 0;
  g3 = 0;

  /** The group of a sample whose labels close at `close` (-1: none), special label at `[start, end)` (-1: none). */
  set(nameEnd: number, close: number, specialStart: number, specialEnd: number): this {
    this.g2 = 0;
    this.g3 = 0;
    if (close < 0) {
      this.g0 = 0;
      this.g1 = 0;
    } else if (specialStart < 0) {
      this.g0 = nameEnd + 1;
      this.g1 = close;
    } else if (specialStart === nameEnd + 1) {
      this.g0 = specialEnd === close ? close : specialEnd + 1;
      this.g1 = close;
    } else {
      this.g0 = nameEnd + 1;
      this.g1 = specialStart - 1;
      this.g2 = specialEnd;
      this.g3 = close;
    }
    return this;
  }

  copyFrom(o: GroupBytes): void {
    this.g0 = o.g0;
    this.g1 = o.g1;
    this.g2 = o.g2;
    this.g3 = o.g3;
  }

  /** Whether `o` holds the same bytes of `b` (the concatenation of each one's two ranges). */
  equals(b: Buffer, o: GroupBytes): boolean {
    const la = this.g1 - this.g0 + (this.g3 - this.g2);
    if (la !== o.g1 - o.g0 + (o.g3 - o.g2)) return false;
    let ai = this.g0;
    let bi = o.g0;
    for (let k = 0; k < la; k++) {
      if (ai === this.g1) ai = this.g2;
      if (bi === o.g1) bi = o.g2;
      if (b[ai++] !== b[bi++]) return false;
    }
    return true;
  }

  /** The bytes as a string, for remembering closed groups. */
  key(b: Buffer): string {
    return this.g2 === this.g3
      ? b.toString('latin1', this.g0, this.g1)
      : b.toString('latin1', this.g0, this.g1) + b.toString('latin1', this.g2, this.g3);
  }
}
