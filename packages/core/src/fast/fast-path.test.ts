/**
 * The fast path against the model path it replaces: for every input it accepts, the very same bytes and the
 * same merge conflicts as parseText → relabel → mergeExpositions → serializeText / serializeOpenMetrics.
 * Real inputs (the fixtures, the benchmark's generated instances, the OpenMetrics cases written as text)
 * must be accepted; random and mutated inputs must be either accepted and equal, or declined.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Exposition, Labels } from '../exposition/model.js';
import { parseText } from '../exposition/parse-text.js';
import { formatValue } from '../exposition/serialize-common.js';
import { serializeOpenMetrics } from '../exposition/serialize-openmetrics.js';
import { serializeText } from '../exposition/serialize-text.js';
import { mergeExpositions } from '../merge/merge-expositions.js';
import { cfLabelsFor } from '../relabel/cf-labels.js';
import { relabel } from '../relabel/relabel.js';
import { fetchSeries } from '../use-cases/fetch-series.js';
import { validExposition } from '../../test/kit/exposition-arbitraries.js';
import { loadFuzzSeeds } from '../../test/kit/fuzz-seeds.js';
import { mergeAndWrite, modelPart } from './merge-write.js';
import { canonicalValue, scanTextPart, type FastPart, type OutputFormat } from './text-part.js';

const isCanonicalValue = (text: string, start: number, end: number): boolean =>
  !Number.isNaN(canonicalValue(Buffer.from(text, 'latin1'), start, end));

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

function identity(i: number): Labels {
  return cfLabelsFor({
    organizationId: 'org-guid',
    spaceId: 'space-guid',
    appId: 'app-guid',
    organizationName: 'acme',
    spaceName: 'prod "eu"\\1',
    appName: 'orders',
    index: String(i),
    instance: `10.0.0.${i}:61000`,
  });
}

function own(n: number): Exposition {
  return fetchSeries(
    Array.from({ length: n }, (_, i) => ({
      labels: identity(i),
      kind: 'instance' as const,
      appKey: 'app-guid',
      appLabels: identity(i).slice(0, 6),
      ok: true,
      durationMs: 12 + i,
    })),
    true,
  );
}

interface Answer {
  readonly body: string;
  readonly conflicts: unknown;
}

function modelAnswer(bodies: readonly string[], format: OutputFormat): Answer | undefined {
  const parts: Exposition[] = [own(bodies.length)];
  for (let i = 0; i < bodies.length; i++) {
    const parsed = parseText(bodies[i]!);
    if (!parsed.ok) return undefined;
    parts.push(relabel(parsed.value, identity(i)));
  }
  const merged = mergeExpositions(parts);
  const body = format === 'text' ? serializeText(merged.exposition) : serializeOpenMetrics(merged.exposition);
  return { body, conflicts: merged.conflicts };
}

function fastAnswer(bodies: readonly string[], format: OutputFormat): Answer | string {
  const first = modelPart(own(bodies.length), format);
  if ('declined' in first) return first.declined;
  const parts: FastPart[] = [first];
  for (let i = 0; i < bodies.length; i++) {
    const part = scanTextPart(Buffer.from(bodies[i]!), identity(i), format);
    if ('declined' in part) return part.declined;
    parts.push(part);
  }
  const merged = mergeAndWrite(parts, format);
  if ('declined' in merged) return merged.declined;
  return { body: merged.bytes.toString('utf8'), conflicts: merged.conflicts };
}

/** Fast equals model, or the fast path declined; returns whether it was accepted. */
function expectEquivalent(bodies: readonly string[], format: OutputFormat): boolean {
  const fast = fastAnswer(bodies, format);
  if (typeof fast === 'string') return false;
  const model = modelAnswer(bodies, format);
  expect(model).toBeDefined();
  expect(fast.body).toBe(model!.body);
  expect(fast.conflicts).toEqual(model!.conflicts);
  return true;
}

/** FAST_PATH_RUNS=5000 FC_SEED=random explores further than CI does. */
const RUNS = Number(process.env['FAST_PATH_RUNS'] ?? '400');
const FORMATS: readonly OutputFormat[] = ['text', 'openmetrics'];

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
const edit = fc.oneof(
  fc.record({ kind: fc.constant('swap-labels' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('move-line' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('blank' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('value' as const),
    at: fc.nat(),
    value: fc.constantFrom('1.0', '1e3', '-0', '+Inf', 'NaN', '0.0000001', '1.5E-5', '007', '-1', '1.25'),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    line: fc.constantFrom(
      '# TYPE x counter',
      '# TYPE x gauge',
      '# HELP x some help',
      'x 1',
      'x_total 2',
      'x_created 3',
      'x{instance="a"} 1',
      'x{a="1",b="2"} 1',
      'x{b="2",a="1"} 1',
      'x_bucket{le="+Inf"} 1',
      '# TYPE x_total counter',
      'x_total{a="1"} 5 1700000000000',
    ),
  }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(input: string, e: Edit): string {
  const lines = input.split('\n');
  const body = lines.slice(0, -1);
  if (body.length === 0) return input;
  const at = e.at % body.length;
  switch (e.kind) {
    case 'swap-labels':
      body[at] = body[at]!.replace(/\{([^,{}]+),([^,{}]+)/, '{$2,$1');
      break;
    case 'duplicate-line':
      body.splice(at, 0, body[at]!);
      break;
    case 'move-line': {
      const [line] = body.splice(at, 1);
      body.splice(e.to % (body.length + 1), 0, line!);
      break;
    }
    case 'blank':
      body[at] = body[at]!.replace(' ', '  ');
      break;
    case 'value':
      if (!body[at]!.startsWith('#')) body[at] = body[at]!.replace(/ \S+$/, ' ' + e.value);
      break;
    case 'insert':
      body.splice(at, 0, e.line);
      break;
  }
  return body.join('\n') + '\n';
}

describe('fast path: random expositions and edits of them are accepted and equal, or declined', () => {
  for (const format of FORMATS) {
    it(`random valid expositions written as text (${format})`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(validExposition, fc.array(edit, { maxLength: 3 }), (exposition, edits) => {
          const text = edits.reduce(applyEdit, serializeText(exposition));
          if (expectEquivalent([text, text, text], format)) accepted++;
        }),
        { numRuns: RUNS },
      );
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
