import fc from 'fast-check';
import { looseExposition, validExposition } from '../../test/kit/exposition-arbitraries.js';
import type { Exposition, Labels, MetricFamily, Sample } from '../exposition/model.js';
import { parseOpenMetrics } from '../exposition/parse-openmetrics.js';
import { parseText } from '../exposition/parse-text.js';
import { claimedNames } from '../exposition/serialize-common.js';
import { serializeOpenMetrics } from '../exposition/serialize-openmetrics.js';
import { serializeText } from '../exposition/serialize-text.js';
import { cfLabelsFor } from '../relabel/cf-labels.js';
import { relabel } from '../relabel/relabel.js';
import { mergeExpositions, type MergeResult } from './merge-expositions.js';
import { ex, L, s } from '../../test/kit/exposition-builders.js';

const gauge = (name: string, ...samples: Sample[]): MetricFamily => ({ name, type: 'gauge', samples });

describe('mergeExpositions', () => {
  it('merges nothing into nothing', () => {
    expect(mergeExpositions([])).toEqual({ exposition: { families: [] }, droppedSamples: 0, conflicts: [] });
  });

  it('returns a single part as it is', () => {
    const part = ex(gauge('a', s('a', 1)), { name: 'c', type: 'counter', samples: [s('c_total', 1)] });
    const out = mergeExpositions([part]);
    expect(out.exposition.families[0]).toBe(part.families[0]);
    expect(out.exposition.families[1]).toBe(part.families[1]);
    expect(out.droppedSamples).toBe(0);
  });

  it('keeps families in order of first appearance and samples part after part', () => {
    const out = mergeExpositions([
      ex(gauge('a', s('a', 1, { i: '0' })), gauge('b', s('b', 1, { i: '0' }))),
      ex(gauge('c', s('c', 2, { i: '1' })), gauge('a', s('a', 2, { i: '1' }))),
    ]);
    expect(out.exposition.families.map((f) => f.name)).toEqual(['a', 'b', 'c']);
    expect(out.exposition.families[0]!.samples.map((x) => x.value)).toEqual([1, 2]);
    expect(out.conflicts).toEqual([]);
  });

  it('keeps the first type and drops other types, counted', () => {
    const out = mergeExpositions([
      ex(gauge('x', s('x', 1, { i: '0' }))),
      ex({
        name: 'x',
        type: 'counter',
        samples: [s('x_total', 1, { i: '1' }), s('x_created', 1, { i: '1' })],
      }),
      ex({ name: 'x', type: 'unknown', samples: [s('x', 1, { i: '2' })] }),
    ]);
    expect(out.exposition.families).toEqual([gauge('x', s('x', 1, { i: '0' }))]);
    expect(out.conflicts).toEqual([{ family: 'x', kind: 'type', dropped: 3 }]);
    expect(out.droppedSamples).toBe(3);
  });

  it('treats an unsuffixed counter and a _total counter as different types', () => {
    const out = mergeExpositions([
      ex({ name: 'x', type: 'counter', samples: [s('x', 1, { i: '0' })] }),
      ex({ name: 'x', type: 'counter', samples: [s('x_total', 1, { i: '1' })] }),
    ]);
    expect(out.exposition.families[0]!.samples).toHaveLength(1);
    expect(out.conflicts).toEqual([{ family: 'x', kind: 'type', dropped: 1 }]);
  });

  it('keeps the first HELP and UNIT, reports different ones, adopts a missing one', () => {
    const out = mergeExpositions([
      ex({ name: 'd_seconds', type: 'gauge', samples: [s('d_seconds', 1, { i: '0' })] }),
      ex({ name: 'd_seconds', type: 'gauge', help: 'first', samples: [s('d_seconds', 2, { i: '1' })] }),
      ex({
        name: 'd_seconds',
        type: 'gauge',
        help: 'second',
        unit: 'seconds',
        samples: [s('d_seconds', 3, { i: '2' })],
      }),
      ex({
        name: 'd_seconds',
        type: 'gauge',
        help: 'third',
        unit: 'ms',
        samples: [s('d_seconds', 4, { i: '3' })],
      }),
    ]);
    const f = out.exposition.families[0]!;
    expect(f.help).toBe('first');
    expect(f.unit).toBe('seconds');
    expect(f.samples).toHaveLength(4);
    expect(out.conflicts).toEqual([
      { family: 'd_seconds', kind: 'help', dropped: 0 },
      { family: 'd_seconds', kind: 'unit', dropped: 0 },
    ]);
    expect(out.droppedSamples).toBe(0);
  });

  it('drops the later of two equal series, whatever the label order, within a part', () => {
    const out = mergeExpositions([
      ex(
        gauge(
          'g',
          s('g', 1, { a: '1', b: '2', i: '0' }),
          s('g', 2, { b: '2', a: '1', i: '0' }),
          s('g', 3, { a: '1', b: '3', i: '0' }),
        ),
      ),
      ex(gauge('g', s('g', 4, { i: '1', a: '1', b: '2' }))),
    ]);
    expect(out.exposition.families[0]!.samples.map((x) => x.value)).toEqual([1, 3, 4]);
    expect(out.conflicts).toEqual([{ family: 'g', kind: 'duplicate-series', dropped: 1 }]);
  });

  it('drops equal series across parts that have no label of their own', () => {
    const out = mergeExpositions([
      ex(gauge('g', s('g', 1, { a: '1' }), s('g', 2, { a: '2' }))),
      ex(gauge('g', s('g', 3, { a: '2' }), s('g', 4, { a: '3' }))),
      ex(gauge('g', s('g', 5, { a: '3' }))),
    ]);
    expect(out.exposition.families[0]!.samples.map((x) => x.value)).toEqual([1, 2, 4]);
    expect(out.conflicts).toEqual([{ family: 'g', kind: 'duplicate-series', dropped: 2 }]);
    expect(out.droppedSamples).toBe(2);
  });

  it('drops a histogram group that an earlier part already has, whole', () => {
    const h = (i: string, buckets: string[]): MetricFamily => ({
      name: 'h',
      type: 'histogram',
      samples: [
        ...buckets.map((le) => s('h_bucket', 1, { job: 'x', le })),
        s('h_count', 1, { job: 'x' }),
        s('h_sum', 1, { job: 'x' }),
        s('h_count', 1, { job: i }),
      ],
    });
    const out = mergeExpositions([ex(h('a', ['1', '+Inf'])), ex(h('b', ['1', '2', '+Inf']))]);
    const samples = out.exposition.families[0]!.samples;
    expect(samples.filter((x) => x.name === 'h_bucket')).toHaveLength(2);
    expect(samples.map((x) => x.labels.find((l) => l.name === 'job')!.value)).toEqual([
      'x',
      'x',
      'x',
      'x',
      'a',
      'b',
    ]);
    expect(out.conflicts).toEqual([{ family: 'h', kind: 'duplicate-series', dropped: 5 }]);
  });

  it('keeps series that differ only by the labels of their part', () => {
    const cf = (i: string): Labels => L({ app_id: 'app', index: i, instance_id: i });
    const part = (i: string): Exposition => ({
      families: [
        gauge(
          'g',
          { name: 'g', labels: [...L({ a: '1' }), ...cf(i)], value: 1 },
          { name: 'g', labels: [...L({ a: '2' }), ...cf(i)], value: 2 },
        ),
        {
          name: 'h',
          type: 'histogram',
          samples: [
            { name: 'h_bucket', labels: [...L({ le: '+Inf' }), ...cf(i)], value: 1 },
            { name: 'h_count', labels: cf(i), value: 1 },
            { name: 'h_sum', labels: cf(i), value: 1 },
          ],
        },
      ],
    });
    const out = mergeExpositions([part('0'), part('1'), part('2')]);
    expect(out.exposition.families.map((f) => f.samples.length)).toEqual([6, 9]);
    expect(out.droppedSamples).toBe(0);
  });

  it('finds duplicates within a part that has labels of its own', () => {
    const cf = (i: string): Labels => L({ index: i });
    const out = mergeExpositions([
      ex(
        gauge(
          'g',
          { name: 'g', labels: [...L({ a: '1', b: '2' }), ...cf('0')], value: 1 },
          { name: 'g', labels: [...L({ b: '2', a: '1' }), ...cf('0')], value: 2 },
        ),
      ),
      ex(
        gauge(
          'g',
          { name: 'g', labels: [...L({ a: '1', b: '2' }), ...cf('1')], value: 3 },
          { name: 'g', labels: [...L({ a: '1' }), ...cf('1')], value: 4 },
          { name: 'g', labels: [...L({ a: '1' }), ...cf('1')], value: 5 },
        ),
      ),
    ]);
    expect(out.exposition.families[0]!.samples.map((x) => x.value)).toEqual([1, 3, 4]);
    expect(out.conflicts).toEqual([{ family: 'g', kind: 'duplicate-series', dropped: 2 }]);
  });

  it('keeps a Go counter x_total beside its gauge x', () => {
    const part = (i: string): Exposition =>
      ex(gauge('mem', s('mem', 1, { i })), {
        name: 'mem',
        type: 'counter',
        samples: [s('mem_total', 2, { i })],
      });
    const out = mergeExpositions([part('0'), part('1')]);
    expect(out.exposition.families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['mem', 'gauge', 2],
      ['mem_total', 'counter', 2],
    ]);
    expect(out.droppedSamples).toBe(0);
  });

  it('drops the later of two families whose names clash', () => {
    const out = mergeExpositions([
      ex(gauge('x_total', s('x_total', 1)), { name: 'y', type: 'counter', samples: [] }),
      ex(
        { name: 'x', type: 'counter', samples: [s('x_total', 2), s('x_created', 2)] },
        gauge('y_created', s('y_created', 1)),
        { name: 'h', type: 'histogram', samples: [s('h_count', 1), s('h_sum', 1)] },
      ),
      ex(gauge('h_count', s('h_count', 1)), { name: 'x_total', type: 'gauge', samples: [s('x_total', 1)] }),
    ]);
    expect(out.exposition.families.map((f) => f.name)).toEqual(['x_total', 'y', 'h']);
    expect(out.conflicts).toEqual([
      { family: 'x', kind: 'name-clash', dropped: 2 },
      { family: 'y_created', kind: 'name-clash', dropped: 1 },
      { family: 'h_count', kind: 'name-clash', dropped: 1 },
      { family: 'x_total', kind: 'duplicate-series', dropped: 1 },
    ]);
    expect(out.droppedSamples).toBe(5);
  });

  it('adds up the drops of one family and kind', () => {
    const out = mergeExpositions([
      ex(gauge('g', s('g', 1))),
      ex({ name: 'g', type: 'counter', samples: [s('g', 1)] }),
      ex({ name: 'g', type: 'summary', samples: [s('g_sum', 1), s('g_count', 1)] }),
    ]);
    expect(out.conflicts).toEqual([{ family: 'g', kind: 'type', dropped: 3 }]);
  });

  it('does not change its inputs', () => {
    const a = ex(gauge('g', s('g', 1, { a: '1' })));
    const b = ex(gauge('g', s('g', 2, { a: '2' })));
    const before = JSON.stringify([a, b]);
    const out = mergeExpositions([a, b]);
    expect(out.exposition.families[0]!.samples).toHaveLength(2);
    expect(JSON.stringify([a, b])).toBe(before);
  });

  describe('invariants (property tests)', () => {
    const seriesKey = (x: Sample): string =>
      x.name +
      JSON.stringify([...x.labels].map((l) => [l.name, l.value]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));

    function checkInvariants(parts: readonly Exposition[], out: MergeResult): void {
      const inputs = parts.reduce((n, p) => n + p.families.reduce((m, f) => m + f.samples.length, 0), 0);
      const outputs = out.exposition.families.reduce((n, f) => n + f.samples.length, 0);
      // Every input sample is in the output or counted; the conflicts add up to the count.
      expect(outputs + out.droppedSamples).toBe(inputs);
      expect(out.conflicts.reduce((n, c) => n + c.dropped, 0)).toBe(out.droppedSamples);
      // No duplicate series, no family twice, no clashing names.
      const series = out.exposition.families.flatMap((f) => f.samples.map(seriesKey));
      expect(new Set(series).size).toBe(series.length);
      const claimed = out.exposition.families.flatMap((f) => claimedNames(f));
      expect(new Set(claimed).size).toBe(claimed.length);
      // Every output sample comes from an input family of the same name and type.
      const inputSamples = new Set(parts.flatMap((p) => p.families.flatMap((f) => f.samples)));
      for (const f of out.exposition.families)
        for (const x of f.samples) expect(inputSamples.has(x)).toBe(true);
      // Written in both formats, the output parses.
      const om = serializeOpenMetrics(out.exposition);
      expect(parseOpenMetrics(om).ok).toBe(true);
      expect(parseText(serializeText(out.exposition)).ok).toBe(true);
    }

    it('hold for loose parts (clashing names and types, repeated series)', () => {
      fc.assert(
        fc.property(fc.array(looseExposition, { maxLength: 5 }), (parts) => {
          checkInvariants(parts, mergeExpositions(parts));
        }),
        { numRuns: 300 },
      );
    });

    it('hold for relabelled instances, some sharing an index', () => {
      const instance = fc.tuple(
        validExposition,
        fc.option(fc.constantFrom('0', '1', '2'), { nil: undefined }),
      );
      fc.assert(
        fc.property(fc.array(instance, { maxLength: 5 }), (instances) => {
          const parts = instances.map(([x, index]) =>
            relabel(
              x,
              cfLabelsFor({
                organizationId: 'o',
                spaceId: 's',
                appId: 'a',
                organizationName: 'on',
                spaceName: 'sn',
                appName: 'an',
                ...(index === undefined ? {} : { index }),
              }),
            ),
          );
          const out = mergeExpositions(parts);
          checkInvariants(parts, out);
          // Different indexes never collide: nothing is dropped between them.
          const indexes = instances.map(([, i]) => i);
          if (new Set(indexes).size === indexes.length && !indexes.includes(undefined)) {
            expect(out.conflicts.filter((c) => c.kind === 'duplicate-series')).toEqual([]);
          }
        }),
        { numRuns: 200 },
      );
    });

    it('is deterministic', () => {
      fc.assert(
        fc.property(fc.array(looseExposition, { maxLength: 4 }), (parts) => {
          expect(mergeExpositions(parts)).toEqual(mergeExpositions(parts));
        }),
        { numRuns: 100 },
      );
    });
  });
});
