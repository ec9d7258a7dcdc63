import { firstBadEscape, readQuoted, unescapeRange } from './scan-escapes.js';

const un = (s: string, mode: 'reject' | 'keep'): string | undefined => unescapeRange(s, 0, s.length, mode);

describe('unescapeRange', () => {
  it.each([
    ['plain', 'plain', 'plain'],
    ['a\\\\b', 'a\\b', 'a\\b'],
    ['a\\nb', 'a\nb', 'a\nb'],
    ['a\\"b', 'a"b', 'a"b'],
    ['b\\\\a\\z', undefined, 'b\\a\\z'],
    ['end\\', undefined, 'end\\'],
  ])('%j → reject %j, keep %j', (input, rejected, kept) => {
    expect(un(input, 'reject')).toBe(rejected);
    expect(un(input, 'keep')).toBe(kept);
  });
});

describe('firstBadEscape', () => {
  it.each([
    ['ok\\n\\\\\\"', ''],
    ['x\\ty', '\\t'],
    ['x\\', '\\'],
  ])('%j → %j', (input, bad) => {
    expect(firstBadEscape(input, 0, input.length)).toBe(bad);
  });
});

describe('readQuoted', () => {
  const state = { escaped: false, badUtf16: false, close: -1 };

  it('returns plain text through the fast path', () => {
    const s = 'x="abc",y';
    expect(readQuoted(s, 2, s.length, state)).toBe('abc');
    expect(state.close).toBe(6);
  });

  it('leaves escaped text to the caller, past an escaped quote', () => {
    const s = 'x="a\\"b" 1';
    expect(readQuoted(s, 2, s.length, state)).toBeUndefined();
    expect(state).toMatchObject({ escaped: true, close: 7 });
  });

  it('reports an unterminated string and lone surrogates', () => {
    expect(readQuoted('x="abc', 2, 6, state)).toBeUndefined();
    expect(state.close).toBe(-1);
    expect(readQuoted('"\ud800"', 0, 3, state)).toBe('\ud800');
    expect(state.badUtf16).toBe(true);
    expect(readQuoted('"\\n\udc00"', 0, 5, state)).toBeUndefined();
    expect(state.badUtf16).toBe(true);
    expect(readQuoted('"\\n\ud83d\ude00"', 0, 6, state)).toBeUndefined();
    expect(state.badUtf16).toBe(false);
  });
});
