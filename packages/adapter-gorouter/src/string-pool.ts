/**
 * One copy of each distinct string value read from `/routes` bodies, found from the raw bytes without making a
 * string first: a value seen before (in this body or the previous one) costs no allocation at all. Two
 * generations: `rotate()` after each good poll drops the strings the last poll did not use, so the pool never
 * holds more than two polls' worth.
 */
export class StringPool {
  /** hash → the string, or the strings, with that hash (collisions are rare). */
  private current = new Map<number, string | string[]>();
  private older = new Map<number, string | string[]>();

  /** Forgets the strings not used since the previous rotation. */
  rotate(): void {
    this.older = this.current;
    this.current = new Map();
  }

  /**
   * The pooled string equal to `bytes[start, end)`, which must be printable ASCII (one byte per character);
   * `hash` is their FNV-1a hash (see `FNV_OFFSET`).
   */
  fromAscii(bytes: Buffer, start: number, end: number, hash: number): string {
    const found = findAscii(this.current.get(hash), bytes, start, end);
    if (found !== undefined) return found;
    const value = findAscii(this.older.get(hash), bytes, start, end) ?? bytes.toString('latin1', start, end);
    add(this.current, hash, value);
    return value;
  }

  /** The pooled string equal to `value` (any characters). */
  fromString(value: string): string {
    const hash = hashOfString(value);
    const found = findString(this.current.get(hash), value);
    if (found !== undefined) return found;
    const canonical = findString(this.older.get(hash), value) ?? value;
    add(this.current, hash, canonical);
    return canonical;
  }
}

/** FNV-1a, 32 bits: `hash = Math.imul(hash ^ code, FNV_PRIME)` from `FNV_OFFSET`, then `& SMI_MASK`. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;
/** Keeps a hash small enough to be a V8 small integer: a Map key that allocates nothing. */
export const SMI_MASK = 0x3fffffff;

/** The FNV-1a hash of a string's characters: that of its bytes when it is ASCII. */
function hashOfString(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash & SMI_MASK;
}

function add(map: Map<number, string | string[]>, hash: number, value: string): void {
  const there = map.get(hash);
  if (there === undefined) map.set(hash, value);
  else if (typeof there === 'string') map.set(hash, [there, value]);
  else there.push(value);
}

function findAscii(
  there: string | string[] | undefined,
  bytes: Uint8Array,
  start: number,
  end: number,
): string | undefined {
  if (there === undefined) return undefined;
  if (typeof there === 'string') return sameAscii(there, bytes, start, end) ? there : undefined;
  for (const candidate of there) if (sameAscii(candidate, bytes, start, end)) return candidate;
  return undefined;
}

function sameAscii(text: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Past 0x7e the bytes are UTF-8, not characters: such a string (from fromString) never matches bytes.
    if (code !== bytes[start + i] || code > 0x7e) return false;
  }
  return true;
}

function findString(there: string | string[] | undefined, value: string): string | undefined {
  if (there === undefined) return undefined;
  if (typeof there === 'string') return there === value ? there : undefined;
  for (const candidate of there) if (candidate === value) return candidate;
  return undefined;
}
