/**
 * The fast path against the model path it replaces: for every input it accepts, the very same bytes and the
 * same merge conflicts as parseText → relabel → mergeExpositions → serializeText / serializeOpenMetrics.
 * Real inputs (the fixtures, the benchmark's generated instances, the OpenMetrics cases written as text)
 * must be accepted; random and mutated inputs must be either accepted and equal, or declined.
 */
import fc from 'fast-check';
import { parseText } from '../exposition/parse-text.js';
import { formatValue } from '../exposition/serialize-common.js';
import { serializeText } from '../exposition/serialize-text.js';
import {
  acceptedOfRandomEdited,
  applyEdit,
  EDIT_SAMPLE_LINES,
  EDIT_VALUES,
  expectEquivalent,
  fastAnswer,
  fixture,
  FORMATS,
  lineEdit,
} from '../../test/kit/fast-path-oracle.js';
import { loadFuzzSeeds } from '../../test/kit/fuzz-seeds.js';
import { canonicalValue } from './bytes.js';

const isCanonicalValue = (text: string, start: number, end: number): boolean =>
  !Number.isNaN(canonicalValue(Buffer.from(text, 'latin1'), start, end));

/** FAST_PATH_RUNS=5000 FC_SEED=random explores further than CI does. */
const RUNS = Number(process.env['FAST_PATH_RUNS'] ?? '400');

describe('fast path: real inputs are accepted and written exactly as the model path writes them', () => {
  const real = {
    'node-exporter.prom': fixture('node-exporter.prom'),
    'spring-micrometer.prom': fixture('spring-micrometer.prom'),
  };
  for (const format of FORMATS) {
    for (const [name, body] of Object.entries(real)) {
      it(`${name}, 3 instances, ${format}`, () => {
        expect(fastAnswer([body, body, body], format)).not.toEqual(expect.any(String));
        expect(expectEquivalent([body, body, body], format)).toBe(true);
      });
    }
  }
});

describe('fast path: the OpenMetrics conformance inputs and the fixtures, written as text', () => {
  const seeds = loadFuzzSeeds();
  for (const format of FORMATS) {
    it(`every seed that parses: accepted and equal, or declined (${format})`, () => {
      let accepted = 0;
      for (const seed of seeds) {
        const parsed = parseText(seed);
        const text = parsed.ok ? serializeText(parsed.value) : seed;
        if (expectEquivalent([text, text], format)) accepted++;
      }
      expect(accepted).toBeGreaterThan(seeds.length / 4);
    });
  }
});

/** Edits a text exposition the ways the fast path must notice. */
const edit = lineEdit({
  deleteLine: false,
  values: EDIT_VALUES,
  lines: [
    '# TYPE x counter',
    '# TYPE x gauge',
    '# HELP x some help',
    'x 1',
    ...EDIT_SAMPLE_LINES,
    '# TYPE x_total counter',
    'x_total{a="1"} 5 1700000000000',
  ],
});

describe('fast path: random expositions and edits of them are accepted and equal, or declined', () => {
  for (const format of FORMATS) {
    it(`random valid expositions written as text (${format})`, () => {
      const accepted = acceptedOfRandomEdited(edit, serializeText, (text) => text, format, RUNS);
      expect(accepted).toBeGreaterThan(40);
    });
    it(`edits of the fixtures (${format})`, () => {
      const seeds = [fixture('node-exporter.prom'), fixture('spring-micrometer.prom')];
      fc.assert(
        fc.property(
          fc.constantFrom(...seeds),
          fc.array(edit, { minLength: 1, maxLength: 4 }),
          (seed, edits) => {
            const text = edits.reduce(applyEdit, seed);
            expectEquivalent([seed, text], format);
          },
        ),
        { numRuns: Math.ceil(RUNS / 6) },
      );
    });
  }
});

describe('isCanonicalValue', () => {
  it('accepts only what formatValue(Number(x)) writes back unchanged', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (v) => {
        const text = String(v);
        if (isCanonicalValue(text, 0, text.length)) expect(formatValue(Number(text))).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^-?\d{1,17}(\.\d{1,17})?$/), (text) => {
        if (isCanonicalValue(text, 0, text.length)) expect(formatValue(Number(text))).toBe(text);
      }),
    );
    for (const yes of ['0', '-0', '1', '1.5', '0.000001', '123456789012345', '-12.25'])
      expect(isCanonicalValue(yes, 0, yes.length)).toBe(true);
    for (const no of ['00', '1.0', '1.', '.5', '0.0000001', '1e3', '+1', '1234567890123456', 'NaN'])
      expect(isCanonicalValue(no, 0, no.length)).toBe(false);
  });
});
