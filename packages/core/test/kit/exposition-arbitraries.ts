/**
 * fast-check arbitraries for expositions, shared by the serializer round-trip, merge and promtool
 * property tests.
 * - `validExposition`: canonical expositions that are valid OpenMetrics as they stand (so both formats
 *   can carry them: grouped series, sorted buckets ending in +Inf, counts equal to the +Inf bucket, …).
 * - `looseExposition`: anything the model can hold with valid names (random types, values, sample names
 *   of the family, repeated series), for "the output is always valid" properties.
 */
import fc from 'fast-check';
import type {
  Exemplar,
  Exposition,
  Label,
  Labels,
  MetricFamily,
  MetricType,
  Sample,
} from '../../src/exposition/model.js';

const CHARS = [
  'a',
  'b',
  'Z',
  '0',
  '9',
  ' ',
  '"',
  '\\',
  '\n',
  '\t',
  '=',
  ',',
  '{',
  '}',
  '#',
  '_',
  'é',
  '€',
  '😀',
];

export const text = (maxLength = 8): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...CHARS), maxLength });

const LABEL_NAMES = ['a', 'b', 'job', 'x_1', '_u', 'Code'];

export const labelsArb = (maxLength = 3): fc.Arbitrary<Label[]> =>
  fc.uniqueArray(fc.record({ name: fc.constantFrom(...LABEL_NAMES), value: text() }), {
    selector: (l) => l.name,
    maxLength,
  });

export function labelsKey(labels: Labels): string {
  return JSON.stringify([...labels].map((l) => [l.name, l.value]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1)));
}

/** 1..n label sets, pairwise different as sets. */
const groupsArb = (n = 3): fc.Arbitrary<Label[][]> =>
  fc.uniqueArray(labelsArb(), { selector: labelsKey, minLength: 1, maxLength: n });

const tsArb = fc.option(fc.integer({ min: -1e12, max: 4e12 }), { nil: undefined });

const exemplarArb: fc.Arbitrary<Exemplar | undefined> = fc.option(
  fc.record(
    {
      labels: fc.uniqueArray(fc.record({ name: fc.constantFrom('trace_id', 'span'), value: text(16) }), {
        selector: (l) => l.name,
        maxLength: 2,
      }),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      timestamp: fc.integer({ min: 0, max: 4e9 }),
    },
    { requiredKeys: ['labels', 'value'] },
  ),
  { nil: undefined },
);

function sample(
  name: string,
  labels: Labels,
  value: number,
  ts: number | undefined,
  exemplar?: Exemplar,
): Sample {
  const s: { -readonly [K in keyof Sample]: Sample[K] } = { name, labels, value };
  if (ts !== undefined) s.timestampMs = ts;
  if (exemplar !== undefined) s.exemplar = exemplar;
  return s;
}

const with_ = (labels: Labels, name: string, value: string): Labels => [...labels, { name, value }];

type SamplesOf = (base: string) => fc.Arbitrary<Sample[]>;

const perGroup =
  (f: (base: string, labels: Labels, ts: number | undefined) => fc.Arbitrary<Sample[]>): SamplesOf =>
  (base) =>
    groupsArb().chain((groups) =>
      fc.tuple(...groups.map((g) => tsArb.chain((ts) => f(base, g, ts)))).map((parts) => parts.flat()),
    );

/** Distinct, ascending, as label values (-0 and 0 are one bound). */
function bucketBounds(values: number[]): string[] {
  return [...new Set(values.map((v) => Math.abs(v)))].sort((x, y) => x - y).map(String);
}

const nonNegative = fc.double({ min: 0, noNaN: true });
const count = fc.integer({ min: 0, max: 1e6 });

const VALID: Readonly<Record<MetricType | 'unsuffixed', SamplesOf>> = {
  gauge: perGroup((b, l, ts) => fc.double().map((v) => [sample(b, l, v, ts)])),
  unknown: perGroup((b, l, ts) => fc.double().map((v) => [sample(b, l, v, ts)])),
  unsuffixed: perGroup((b, l, ts) => nonNegative.map((v) => [sample(b, l, v, ts)])),
  counter: perGroup((b, l, ts) =>
    fc
      .tuple(nonNegative, exemplarArb, fc.option(fc.double({ noNaN: true }), { nil: undefined }))
      .map(([v, e, created]) => [
        sample(b + '_total', l, v, ts, e),
        ...(created === undefined ? [] : [sample(b + '_created', l, created, ts)]),
      ]),
  ),
  histogram: perGroup((b, l, ts) =>
    fc
      .tuple(
        fc.uniqueArray(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 4 }),
        fc.array(count, { minLength: 5, maxLength: 5 }),
        fc.option(nonNegative, { nil: undefined }),
        fc.option(fc.double({ noNaN: true }), { nil: undefined }),
        exemplarArb,
      )
      .map(([les, incs, sum, created, e]) => {
        const bounds = [...bucketBounds(les), '+Inf'];
        let acc = 0;
        const out = bounds.map((le, i) =>
          sample(b + '_bucket', with_(l, 'le', le), (acc += incs[i]!), ts, i === 0 ? e : undefined),
        );
        if (sum !== undefined) out.push(sample(b + '_count', l, acc, ts), sample(b + '_sum', l, sum, ts));
        if (created !== undefined) out.push(sample(b + '_created', l, created, ts));
        return out;
      }),
  ),
  gaugehistogram: perGroup((b, l, ts) =>
    fc
      .tuple(
        fc.uniqueArray(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 3 }),
        fc.array(count, { minLength: 4, maxLength: 4 }),
        fc.option(nonNegative, { nil: undefined }),
      )
      .map(([les, incs, gsum]) => {
        const bounds = [...bucketBounds(les), '+Inf'];
        let acc = 0;
        const out = bounds.map((le, i) => sample(b + '_bucket', with_(l, 'le', le), (acc += incs[i]!), ts));
        if (gsum !== undefined) out.push(sample(b + '_gcount', l, acc, ts), sample(b + '_gsum', l, gsum, ts));
        return out;
      }),
  ),
  summary: perGroup((b, l, ts) =>
    fc
      .tuple(
        fc.uniqueArray(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
        fc.array(fc.oneof(nonNegative, fc.constant(NaN)), { minLength: 3, maxLength: 3 }),
        fc.option(fc.tuple(count, nonNegative), { nil: undefined }),
        fc.option(fc.double({ noNaN: true }), { nil: undefined }),
      )
      .map(([qs, values, countSum, created]) => {
        const out = bucketBounds(qs).map((q, i) => sample(b, with_(l, 'quantile', q), values[i]!, ts));
        if (countSum !== undefined)
          out.push(sample(b + '_count', l, countSum[0], ts), sample(b + '_sum', l, countSum[1], ts));
        if (created !== undefined) out.push(sample(b + '_created', l, created, ts));
        return out;
      }),
  ),
  // OpenMetrics sees a whole info family as one metric point: one timestamp (or none) for all.
  info: (b) =>
    fc.tuple(groupsArb(), tsArb).map(([groups, ts]) => groups.map((l) => sample(b + '_info', l, 1, ts))),
  stateset: perGroup((b, l, ts) =>
    fc
      .uniqueArray(fc.record({ state: text(4), on: fc.boolean() }), {
        selector: (x) => x.state,
        minLength: 1,
        maxLength: 3,
      })
      .map((states) => states.map((st) => sample(b, with_(l, b, st.state), st.on ? 1 : 0, ts))),
  ),
};

const TYPES = Object.keys(VALID) as (MetricType | 'unsuffixed')[];
const UNIT_TYPES = new Set(['gauge', 'unknown', 'counter', 'histogram', 'gaugehistogram', 'summary']);

/** One family named `f<i>_<stem>[_<unit>]`; distinct `i` never clash. */
const validFamily = (i: number): fc.Arbitrary<MetricFamily> =>
  fc
    .record({
      kind: fc.constantFrom(...TYPES),
      stem: fc.constantFrom('req', 'lat', 'x', 'up_time'),
      unit: fc.option(fc.constantFrom('seconds', 'bytes'), { nil: undefined }),
      help: fc.option(text(12), { nil: undefined }),
    })
    .chain(({ kind, stem, unit, help }) => {
      const withUnit = unit !== undefined && UNIT_TYPES.has(kind) ? unit : undefined;
      const name = `f${i}_${stem}` + (withUnit === undefined ? '' : '_' + withUnit);
      return VALID[kind](name).map((samples) => {
        const f: { -readonly [K in keyof MetricFamily]: MetricFamily[K] } = {
          name,
          type: kind === 'unsuffixed' ? 'counter' : kind,
          samples,
        };
        if (help !== undefined) f.help = help;
        if (withUnit !== undefined) f.unit = withUnit;
        return f;
      });
    });

export const validExposition: fc.Arbitrary<Exposition> = fc
  .integer({ min: 0, max: 6 })
  .chain((n): fc.Arbitrary<MetricFamily[]> =>
    n === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: n }, (_, i) => validFamily(i))),
  )
  .map((families) => ({ families }));

const ROLE_SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created', ''],
  gauge: [''],
  unknown: [''],
  stateset: [''],
  info: ['_info'],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['', '_count', '_sum', '_created'],
};

/** Families from a small pool of names (so they clash and repeat), any values, random sample names. */
export const looseFamily: fc.Arbitrary<MetricFamily> = fc
  .record({
    name: fc.constantFrom('a', 'b', 'a_total', 'a_created', 'b_count', 'b_bucket', 'c_info'),
    type: fc.constantFrom(...(Object.keys(ROLE_SUFFIXES) as MetricType[])),
    help: fc.option(text(6), { nil: undefined }),
    unit: fc.option(fc.constantFrom('total', 'count', 'x y'), { nil: undefined }),
  })
  .chain(({ name, type, help, unit }) =>
    fc
      .array(
        fc.record({
          suffix: fc.constantFrom(...ROLE_SUFFIXES[type]),
          labels: labelsArb(2),
          le: fc.constantFrom(undefined, '1', '+Inf', 'bad', 'NaN', '-1', 'Inf'),
          quantile: fc.constantFrom(undefined, '0.5', '2', 'x'),
          state: fc.option(text(2), { nil: undefined }),
          value: fc.oneof(fc.double(), fc.integer({ min: -3, max: 3 })),
          ts: fc.option(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double()), { nil: undefined }),
          exemplar: exemplarArb,
        }),
        { maxLength: 8 },
      )
      .map((raw) => {
        const samples = raw.map((r) => {
          let labels: Labels = r.labels;
          if (r.le !== undefined) labels = with_(labels, 'le', r.le);
          if (r.quantile !== undefined) labels = with_(labels, 'quantile', r.quantile);
          if (r.state !== undefined) labels = with_(labels, name, r.state);
          return sample(name + r.suffix, labels, r.value, r.ts, r.exemplar);
        });
        const f: { -readonly [K in keyof MetricFamily]: MetricFamily[K] } = { name, type, samples };
        if (help !== undefined) f.help = help;
        if (unit !== undefined) f.unit = unit;
        return f;
      }),
  );

export const looseExposition: fc.Arbitrary<Exposition> = fc
  .array(looseFamily, { maxLength: 5 })
  .map((families) => ({ families }));
