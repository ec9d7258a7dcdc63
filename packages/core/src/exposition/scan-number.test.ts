import fc from 'fast-check';
import { isOverflow, scanFloat, scanInt64 } from './scan-number.js';

const float = (s: string): number | undefined => scanFloat(s, 0, s.length);

describe('scanFloat', () => {
  it.each([
    ['1', 1],
    ['-3e3', -3000],
    ['08', 8],
    ['.5', 0.5],
    ['1.', 1],
    ['+1.5E-2', 0.015],
    ['-0', -0],
    ['0000000000000000000000000000000000000000001.2e-1', 0.12],
    ['9223372036854775808', 9223372036854775808],
    ['NaN', NaN],
    ['nan', NaN],
    ['+Inf', Infinity],
    ['-inf', -Infinity],
    ['Infinity', Infinity],
    ['-INFINITY', -Infinity],
  ])('reads %s', (s, want) => {
    expect(Object.is(float(s), want)).toBe(true);
  });

  it.each([
    '',
    '+',
    '-',
    '.',
    'e5',
    '1e',
    '1e+',
    '1_2',
    '0x1',
    '0X1',
    '0b1',
    '0B1',
    '0o1',
    '0O1',
    '0x1p-3',
    '1.1.1',
    '-nan',
    '+NaN',
    'blubb',
    '1 ',
    ' 1',
    '1\t',
  ])('rejects %j', (s) => {
    expect(float(s)).toBeUndefined();
  });

  it('agrees with Number() on every decimal literal', () => {
    const literal = fc
      .tuple(
        fc.constantFrom('', '+', '-'),
        fc.stringMatching(/^[0-9]{0,20}$/),
        fc.option(fc.stringMatching(/^[0-9]{0,20}$/)),
        fc.option(
          fc.tuple(
            fc.constantFrom('e', 'E'),
            fc.constantFrom('', '+', '-'),
            fc.integer({ min: 0, max: 400 }),
          ),
        ),
      )
      .map(([sign, int, frac, exp]) => {
        const mantissa = frac === null ? int : `${int}.${frac}`;
        return `${sign}${mantissa}${exp === null ? '' : `${exp[0]}${exp[1]}${exp[2]}`}`;
      })
      .filter((s) => /[0-9]/.test(s.split(/[eE]/)[0] as string));
    fc.assert(
      fc.property(literal, (s) => {
        expect(Object.is(float(s), Number(s))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('flags finite literals that overflow', () => {
    expect(isOverflow(float('1e400') as number, '1e400', 0)).toBe(true);
    expect(isOverflow(float('-1e400') as number, '-1e400', 0)).toBe(true);
    expect(isOverflow(Infinity, '+Inf', 0)).toBe(false);
  });
});

describe('scanInt64', () => {
  it.each([
    ['0', 0],
    ['-2', -2],
    ['+5', 5],
    ['9223372036854775807', 9223372036854775807],
    ['-9223372036854775808', -9223372036854775808],
  ])('reads %s', (s, want) => {
    expect(scanInt64(s, 0, s.length)).toBe(want);
  });

  it.each(['', '-', '2.72', '1e3', '9223372036854775808', '-9223372036854775809', 'abc'])(
    'rejects %j',
    (s) => {
      expect(scanInt64(s, 0, s.length)).toBeUndefined();
    },
  );
});
