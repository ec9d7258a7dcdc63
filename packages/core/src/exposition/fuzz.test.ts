/**
 * Issue 9 item 6: property-based fuzzing of both parsers, whole and streamed, on random strings and on
 * mutations of real inputs (the fixtures and the OpenMetrics conformance cases). Properties:
 * - a parse never throws: it returns a Result; an error names a line in 1 … (input lines + 1);
 * - the streaming parser, fed random chunks, gives exactly what the whole-string parser gives;
 * - a successful parse serializes in both formats to output that parses again;
 * - each parse of an input of ≤ 64 KB ends within 500 ms (a hang detector, not a benchmark).
 * The seed is fixed by jest.setup.js; `FC_SEED=random` explores.
 */
import fc from 'fast-check';
import { loadFuzzSeeds } from '../../test/kit/fuzz-seeds.js';
import { ExpositionParseError } from '../errors.js';
import type { Result } from '../result.js';
import type { Exposition, ExpositionFormat } from './model.js';
import { createExpositionParser } from './parse.js';
import { parseOpenMetrics } from './parse-openmetrics.js';
import { parseText } from './parse-text.js';
import { serializeOpenMetrics } from './serialize-openmetrics.js';
import { serializeText } from './serialize-text.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1_000);
const MAX_INPUT = 64 * 1024;
const HANG_MS = 500;

const seeds = loadFuzzSeeds();

/** Tokens that stress the scanners: structure characters, escapes, NUL, numbers at and past float range. */
const nasty = fc.constantFrom(
  '{',
  '}',
  '"',
  '\\',
  '\n',
  '#',
  '\0',
  ' ',
  ',',
  '=',
  '# EOF\n',
  '# TYPE ',
  '# HELP ',
  '# UNIT ',
  '1e309',
  '-1e-400',
  '9'.repeat(400),
  '0x1p4',
  'NaN',
  '+Inf',
  '\uFFFD',
  '\uD800',
  `{a="${'v'.repeat(5_000)}"}`,
  `x{l="${'\\"'.repeat(2_000)}"} 1`,
);

type Mutation =
  | { readonly kind: 'delete-line'; readonly at: number }
  | { readonly kind: 'duplicate-line'; readonly at: number; readonly times: number }
  | { readonly kind: 'swap-lines'; readonly at: number; readonly with: number }
  | { readonly kind: 'insert'; readonly at: number; readonly token: string }
  | { readonly kind: 'delete-bytes'; readonly at: number; readonly length: number }
  | { readonly kind: 'replace-byte'; readonly at: number; readonly code: number }
  | { readonly kind: 'label-value'; readonly at: number; readonly value: string }
  | { readonly kind: 'sample-value'; readonly at: number; readonly value: string };

const position = fc.nat({ max: 1_000_000 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), at: position }),
  fc.record({
    kind: fc.constant('duplicate-line' as const),
    at: position,
    times: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: position, with: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, token: nasty }),
  fc.record({
    kind: fc.constant('delete-bytes' as const),
    at: position,
    length: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({ kind: fc.constant('replace-byte' as const), at: position, code: fc.nat({ max: 255 }) }),
);

/** Label values that stay valid syntax but stress the escapes and the sizes (already escaped). */
const labelValue = fc.constantFrom(
  'v'.repeat(10_000),
  '\\\\',
  '\\"',
  '\\n',
  '\\\\n',
  'é€😀',
  '\uFFFD',
  '',
  '} 1 # {',
);

/** Sample values at the edges of float64 and of the number grammar. */
const sampleValue = fc.constantFrom(
  '1e308',
  '1.7976931348623157e308',
  '4.9e-324',
  '-0',
  'NaN',
  '+Inf',
  '-Inf',
  '123456789012345678901234567890',
  '0.000000000000000000000000001',
  '1e309',
);

/** Edits that keep the syntax (a label value, a sample value), so mutants often still parse. */
const gentleMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('label-value' as const), at: position, value: labelValue }),
  fc.record({ kind: fc.constant('sample-value' as const), at: position, value: sampleValue }),
);

/** Applies one edit; positions are taken modulo the input's size, so every edit applies. */
function mutate(input: string, m: Mutation): string {
  const lines = input.split('\n');
  const line = (n: number): number => n % lines.length;
  const char = (n: number): number => n % (input.length + 1);
  switch (m.kind) {
    case 'delete-line':
      lines.splice(line(m.at), 1);
      return lines.join('\n');
    case 'duplicate-line': {
      const at = line(m.at);
      lines.splice(at, 0, ...Array.from({ length: m.times }, () => lines[at] ?? ''));
      return lines.join('\n');
    }
    case 'swap-lines': {
      const a = line(m.at);
      const b = line(m.with);
      const tmp = lines[a] ?? '';
      lines[a] = lines[b] ?? '';
      lines[b] = tmp;
      return lines.join('\n');
    }
    case 'insert':
      return input.slice(0, char(m.at)) + m.token + input.slice(char(m.at));
    case 'delete-bytes':
      return input.slice(0, char(m.at)) + input.slice(char(m.at) + m.length);
    case 'replace-byte':
      return input.slice(0, char(m.at)) + String.fromCharCode(m.code) + input.slice(char(m.at) + 1);
    case 'label-value': {
      const starts = [...input.matchAll(/="/g)].map((match) => match.index + 2);
      if (starts.length === 0) return input;
      const at = starts[m.at % starts.length] ?? 0;
      return input.slice(0, at) + m.value + input.slice(at);
    }
    case 'sample-value': {
      const samples = lines.flatMap((l, i) => (l.startsWith('#') || !/\S \S/.test(l) ? [] : [i]));
      if (samples.length === 0) return input;
      const i = samples[m.at % samples.length] ?? 0;
      // The value is the token after the series (`name{…}` or `name`): replace the first token after it.
      lines[i] = (lines[i] ?? '').replace(
        /^([^{ ]+(?:\{.*\})?) (\S+)/,
        (_all, series: string) => `${series} ${m.value}`,
      );
      return lines.join('\n');
    }
  }
}

const mutatedSeed: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 8 }))
  .map(([seed, edits]) => edits.reduce(mutate, seed))
  .filter((s) => s.length <= MAX_INPUT);

const gentlyMutatedSeed: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...seeds), fc.array(gentleMutation, { minLength: 1, maxLength: 4 }))
  .map(([seed, edits]) => edits.reduce(mutate, seed))
  .filter((s) => s.length <= MAX_INPUT);

/** Random text near the grammar: short lines made of metric-ish tokens and noise. */
const grammarish: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      nasty,
      fc.constantFrom(
        'a',
        'a_total',
        'a_bucket',
        'le',
        'quantile',
        '0.5',
        '1',
        '-1',
        '1.5e3',
        'counter',
        'gauge',
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

/** Bytes read as latin1, the way a mislabelled binary body arrives. */
const latin1 = fc.uint8Array({ maxLength: 2_000 }).map((bytes) => String.fromCharCode(...bytes));

const anyInput: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: mutatedSeed },
  { weight: 3, arbitrary: gentlyMutatedSeed },
  { weight: 2, arbitrary: grammarish },
  { weight: 1, arbitrary: latin1 },
  { weight: 1, arbitrary: fc.string({ maxLength: 500, unit: 'binary' }) },
);

type Parse = (input: string) => Result<Exposition, ExpositionParseError>;

const PARSERS: readonly (readonly [ExpositionFormat, Parse])[] = [
  ['text-0.0.4', parseText],
  ['openmetrics-1.0.0', parseOpenMetrics],
];

function timed(parse: Parse, input: string): Result<Exposition, ExpositionParseError> {
  const start = performance.now();
  const result = parse(input);
  const elapsed = performance.now() - start;
  if (input.length <= MAX_INPUT && elapsed >= HANG_MS) {
    throw new Error(`parse of ${input.length} chars took ${elapsed.toFixed(0)} ms`);
  }
  return result;
}

function checkError(result: Result<Exposition, ExpositionParseError>, input: string): void {
  if (result.ok) return;
  expect(result.error).toBeInstanceOf(ExpositionParseError);
  expect(Number.isInteger(result.error.line)).toBe(true);
  expect(result.error.line).toBeGreaterThanOrEqual(1);
  expect(result.error.line).toBeLessThanOrEqual(input.split('\n').length + 1);
}

function checkReserializes(exposition: Exposition): void {
  const text = serializeText(exposition);
  const again = parseText(text);
  if (!again.ok) throw new Error(`serializeText output does not parse: ${again.error.message}\n${text}`);
  const om = serializeOpenMetrics(exposition);
  const againOm = parseOpenMetrics(om);
  if (!againOm.ok)
    throw new Error(`serializeOpenMetrics output does not parse: ${againOm.error.message}\n${om}`);
}

function streamed(
  format: ExpositionFormat,
  input: string,
  cuts: readonly number[],
): Result<Exposition, ExpositionParseError> {
  const parser = createExpositionParser(format);
  let from = 0;
  for (const cut of [...cuts.map((c) => c % (input.length + 1))].sort((a, b) => a - b)) {
    parser.push(input.slice(from, cut));
    from = cut;
  }
  parser.push(input.slice(from));
  return parser.end();
}

describe('parser fuzzing', () => {
  it('loads the fixtures and the conformance cases as seeds', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(3 + 211);
  });

  it.each(PARSERS)('%s: never throws, errors name a real line, successes re-serialize', (_format, parse) => {
    let parsed = 0;
    let runs = 0;
    fc.assert(
      fc.property(anyInput, (input) => {
        runs++;
        const result = timed(parse, input);
        checkError(result, input);
        if (!result.ok) return;
        parsed++;
        checkReserializes(result.value);
      }),
      { numRuns: RUNS },
    );
    // Both branches are exercised: enough mutants still parse for the re-serialization property to bite.
    expect(parsed).toBeGreaterThan(runs / 40);
    expect(parsed).toBeLessThan(runs);
  });

  it.each(PARSERS)('%s: streamed in random chunks gives what the whole parse gives', (format, parse) => {
    fc.assert(
      fc.property(anyInput, fc.array(position, { maxLength: 12 }), (input, cuts) => {
        const whole = parse(input);
        const start = performance.now();
        const chunked = streamed(format, input, cuts);
        expect(performance.now() - start).toBeLessThan(HANG_MS);
        expect(chunked.ok).toBe(whole.ok);
        if (whole.ok && chunked.ok) expect(chunked.value).toEqual(whole.value);
        if (!whole.ok && !chunked.ok) expect(chunked.error.message).toBe(whole.error.message);
      }),
      { numRuns: RUNS },
    );
  });

  it('pathological inputs near 64 KB: no throw, errors name a real line, each parse within 500 ms', () => {
    const n = MAX_INPUT - 100;
    const fill = (unit: string): string => unit.repeat(Math.floor(n / unit.length));
    const labels = Array.from({ length: 2_000 }, (_, i) => `l${i}="v"`).join(',');
    const inputs = [
      fill('{'),
      fill('"'),
      fill('\\'),
      fill('\n'),
      fill('#\n'),
      fill('\0'),
      `x ${fill('9')}\n`,
      `x 1.${fill('0')}1\n`,
      `x{a="${fill('\\\\')}"} 1\n`,
      `x{a="${fill('v')}"} 1\n`,
      `x{a="${fill('v')}\n`,
      `x{${labels}} 1\n`,
      `x{${labels.replaceAll('l1', 'l2')}} 1\n`,
      fill('x 1\n'),
      fill('x{a="b"} 1 1\n'),
      `# TYPE x histogram\n${Array.from({ length: 2_000 }, (_, i) => `x_bucket{le="${i}"} ${i}`).join('\n')}\n`,
      `# HELP x ${fill('\\n')}\n`,
      fill('# TYPE x counter\n'),
    ];
    for (const input of inputs) {
      expect(input.length).toBeLessThanOrEqual(MAX_INPUT);
      for (const [format, parse] of PARSERS) {
        for (const variant of [input, `${input}# EOF\n`]) {
          const result = timed(parse, variant);
          checkError(result, variant);
          if (result.ok) checkReserializes(result.value);
          const start = performance.now();
          const chunked = streamed(format, variant, [1, 4_096, 10_000, 30_000]);
          expect(performance.now() - start).toBeLessThan(HANG_MS);
          expect(chunked.ok).toBe(result.ok);
        }
      }
    }
  });

  it('every seed itself: never throws, bounded time, successes re-serialize in both formats', () => {
    for (const seed of seeds) {
      for (const [, parse] of PARSERS) {
        const result = timed(parse, seed);
        checkError(result, seed);
        if (result.ok) checkReserializes(result.value);
      }
    }
  });
});
