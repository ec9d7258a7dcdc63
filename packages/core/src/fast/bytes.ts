/**
 * Byte-level helpers shared by the fast path's readers (text-part.ts, openmetrics-part.ts).
 */

// Character classes for ASCII: 1 metric-name start, 2 metric-name char, 4 label-name start, 8 label-name char.
export const CLASS = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  const alpha = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  const digit = c >= 0x30 && c <= 0x39;
  CLASS[c] =
    (alpha || c === 0x3a ? 1 : 0) |
    (alpha || digit || c === 0x3a ? 2 : 0) |
    (alpha ? 4 : 0) |
    (alpha || digit ? 8 : 0);
}

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
