import type { Exposition, MetricFamily } from './model.js';
import { markSeriesUnique, type SerializeDrop } from './serialize-common.js';
import { isValidExemplar, serializeOpenMetrics } from './serialize-openmetrics.js';
import { ex, L, s } from '../../test/kit/exposition-builders.js';

describe('serializeOpenMetrics', () => {
  const cases: [string, Exposition, string][] = [
    ['empty exposition', ex(), '# EOF\n'],
    [
      'HELP escapes backslash, quote and newline; UNIT when the name ends with it',
      ex({
        name: 'd_seconds',
        type: 'gauge',
        help: 'a "q" \\ b\nc',
        unit: 'seconds',
        samples: [s('d_seconds', 1, { a: 'x"\\\n' })],
      }),
      '# HELP d_seconds a \\"q\\" \\\\ b\\nc\n# TYPE d_seconds gauge\n# UNIT d_seconds seconds\n' +
        'd_seconds{a="x\\"\\\\\\n"} 1\n# EOF\n',
    ],
    [
      'timestamps in seconds, exact for whole milliseconds',
      ex({
        name: 'g',
        type: 'gauge',
        samples: [
          s('g', 1, { a: '1' }, { timestampMs: 1700000000123 }),
          s('g', 1, { a: '2' }, { timestampMs: -1500 }),
          s('g', 1, { a: '3' }, { timestampMs: 5000 }),
          s('g', 1, { a: '4' }, { timestampMs: 0.5 }),
          s('g', 1, { a: '5' }, { timestampMs: 7 }),
        ],
      }),
      '# TYPE g gauge\ng{a="1"} 1 1700000000.123\ng{a="2"} 1 -1.5\ng{a="3"} 1 5\ng{a="4"} 1 0.0005\n' +
        'g{a="5"} 1 0.007\n# EOF\n',
    ],
    [
      'counter with _created and exemplars; groups written together',
      ex({
        name: 'req',
        type: 'counter',
        samples: [
          s(
            'req_total',
            3,
            { c: '1' },
            { exemplar: { labels: L({ trace: 'a' }), value: 0.5, timestamp: 12.25 } },
          ),
          s('req_total', 4, { c: '2' }),
          s('req_created', 10, { c: '1' }),
          s('req_created', 11, { c: '2' }),
        ],
      }),
      '# TYPE req counter\nreq_total{c="1"} 3 # {trace="a"} 0.5 12.25\nreq_created{c="1"} 10\n' +
        'req_total{c="2"} 4\nreq_created{c="2"} 11\n# EOF\n',
    ],
    [
      'unsuffixed counter is written as unknown',
      ex({ name: 'hits', type: 'counter', help: 'h', samples: [s('hits', 2)] }),
      '# HELP hits h\n# TYPE hits unknown\nhits 2\n# EOF\n',
    ],
    [
      'histogram: buckets sorted by le, then count, sum, created; +Inf canonical; empty exemplar labels',
      ex({
        name: 'h',
        type: 'histogram',
        samples: [
          s('h_sum', 3, { a: '1' }),
          s('h_bucket', 2, { a: '1', le: 'Inf' }, { exemplar: { labels: [], value: 1 } }),
          s('h_bucket', 1, { a: '1', le: '1' }),
          s('h_count', 2, { a: '1' }),
          s('h_created', 5, { a: '1' }),
        ],
      }),
      '# TYPE h histogram\nh_bucket{a="1",le="1"} 1\nh_bucket{a="1",le="+Inf"} 2 # {} 1\nh_count{a="1"} 2\n' +
        'h_sum{a="1"} 3\nh_created{a="1"} 5\n# EOF\n',
    ],
    [
      'histogram groups interleaved in the input are written one after another',
      ex({
        name: 'h',
        type: 'histogram',
        samples: [
          s('h_bucket', 1, { a: '1', le: '+Inf' }),
          s('h_bucket', 2, { a: '2', le: '+Inf' }),
          s('h_count', 1, { a: '1' }),
          s('h_sum', 1, { a: '1' }),
          s('h_count', 2, { a: '2' }),
          s('h_sum', 4, { a: '2' }),
        ],
      }),
      '# TYPE h histogram\nh_bucket{a="1",le="+Inf"} 1\nh_count{a="1"} 1\nh_sum{a="1"} 1\n' +
        'h_bucket{a="2",le="+Inf"} 2\nh_count{a="2"} 2\nh_sum{a="2"} 4\n# EOF\n',
    ],
    [
      'gaugehistogram with negative buckets and negative gsum',
      ex({
        name: 'gh',
        type: 'gaugehistogram',
        samples: [
          s('gh_bucket', 1, { le: '-1' }),
          s('gh_bucket', 2, { le: '+Inf' }),
          s('gh_gcount', 2),
          s('gh_gsum', -3),
        ],
      }),
      '# TYPE gh gaugehistogram\ngh_bucket{le="-1"} 1\ngh_bucket{le="+Inf"} 2\ngh_gcount 2\ngh_gsum -3\n# EOF\n',
    ],
    [
      'summary, info, stateset',
      ex(
        {
          name: 'sm',
          type: 'summary',
          samples: [s('sm', NaN, { quantile: '0.5' }), s('sm_count', 2), s('sm_sum', 3)],
        },
        { name: 'b', type: 'info', samples: [s('b_info', 1, { v: '1' })] },
        { name: 'st', type: 'stateset', samples: [s('st', 1, { st: 'on' }), s('st', 0, { st: 'off' })] },
      ),
      '# TYPE sm summary\nsm{quantile="0.5"} NaN\nsm_count 2\nsm_sum 3\n# TYPE b info\nb_info{v="1"} 1\n' +
        '# TYPE st stateset\nst{st="on"} 1\nst{st="off"} 0\n# EOF\n',
    ],
    [
      'family without samples keeps its metadata',
      ex({ name: 'c', type: 'counter', help: 'x', samples: [] }),
      '# HELP c x\n# TYPE c counter\n# EOF\n',
    ],
  ];
  it.each(cases)('%s', (_title, input, expected) => {
    expect(serializeOpenMetrics(input)).toBe(expected);
  });

  const unknowns: [string, MetricFamily][] = [
    ['negative counter', { name: 'c', type: 'counter', samples: [s('c_total', -1), s('c_created', 1)] }],
    ['NaN counter', { name: 'c', type: 'counter', samples: [s('c_total', NaN)] }],
    ['histogram without +Inf', { name: 'h', type: 'histogram', samples: [s('h_bucket', 1, { le: '1' })] }],
    [
      'histogram without buckets',
      { name: 'h', type: 'histogram', samples: [s('h_count', 1), s('h_sum', 1)] },
    ],
    [
      'histogram count unequal to +Inf',
      {
        name: 'h',
        type: 'histogram',
        samples: [s('h_bucket', 1, { le: '+Inf' }), s('h_count', 2), s('h_sum', 1)],
      },
    ],
    [
      'histogram with decreasing buckets',
      {
        name: 'h',
        type: 'histogram',
        samples: [s('h_bucket', 2, { le: '1' }), s('h_bucket', 1, { le: '+Inf' })],
      },
    ],
    [
      'histogram with a repeated le',
      {
        name: 'h',
        type: 'histogram',
        samples: [
          s('h_bucket', 1, { le: '1' }),
          s('h_bucket', 1, { le: '1.0' }),
          s('h_bucket', 1, { le: '+Inf' }),
        ],
      },
    ],
    [
      'histogram with NaN le',
      {
        name: 'h',
        type: 'histogram',
        samples: [s('h_bucket', 1, { le: 'NaN' }), s('h_bucket', 1, { le: '+Inf' })],
      },
    ],
    [
      'histogram with non-integer bucket',
      { name: 'h', type: 'histogram', samples: [s('h_bucket', 1.5, { le: '+Inf' })] },
    ],
    [
      'histogram with _count but no _sum',
      { name: 'h', type: 'histogram', samples: [s('h_bucket', 1, { le: '+Inf' }), s('h_count', 1)] },
    ],
    [
      'histogram with negative buckets and _sum',
      {
        name: 'h',
        type: 'histogram',
        samples: [
          s('h_bucket', 1, { le: '-1' }),
          s('h_bucket', 1, { le: '+Inf' }),
          s('h_count', 1),
          s('h_sum', 1),
        ],
      },
    ],
    [
      'histogram with NaN sum',
      {
        name: 'h',
        type: 'histogram',
        samples: [s('h_bucket', 1, { le: '+Inf' }), s('h_count', 1), s('h_sum', NaN)],
      },
    ],
    [
      'gaugehistogram with negative gsum and no negative bucket',
      {
        name: 'g',
        type: 'gaugehistogram',
        samples: [s('g_bucket', 1, { le: '+Inf' }), s('g_gcount', 1), s('g_gsum', -1)],
      },
    ],
    [
      'different timestamps within a group',
      {
        name: 'h',
        type: 'histogram',
        samples: [
          s('h_bucket', 1, { le: '+Inf' }, { timestampMs: 1 }),
          s('h_count', 1, {}, { timestampMs: 2 }),
          s('h_sum', 1),
        ],
      },
    ],
    ['quantile above 1', { name: 's', type: 'summary', samples: [s('s', 1, { quantile: '1.5' })] }],
    ['negative quantile value', { name: 's', type: 'summary', samples: [s('s', -1, { quantile: '0.5' })] }],
    [
      'summary non-integer count',
      { name: 's', type: 'summary', samples: [s('s_count', 0.5), s('s_sum', 1)] },
    ],
    ['summary NaN sum', { name: 's', type: 'summary', samples: [s('s_count', 1), s('s_sum', NaN)] }],
    ['info value 2', { name: 'i', type: 'info', samples: [s('i_info', 2)] }],
    ['stateset value 2', { name: 'st', type: 'stateset', samples: [s('st', 2, { st: 'a' })] }],
  ];
  it.each(unknowns)(
    'writes a family it cannot type as unknown families per sample name: %s',
    (_t, family) => {
      const drops: SerializeDrop[] = [];
      const out = serializeOpenMetrics(ex({ ...family, help: 'h', unit: 'u' }), {
        onDrop: (d) => drops.push(d),
      });
      const names = [...new Set(family.samples.map((x) => x.name))];
      const types = [...out.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);
      expect(types).toEqual(names.map((n) => [n, 'unknown']));
      expect(out.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toHaveLength(
        family.samples.length,
      );
      expect(out).not.toContain('# UNIT');
      expect(drops).toContainEqual({ family: family.name, reason: 'unit', samples: 0 });
    },
  );

  it('drops repeated series (the first is kept), unless the exposition is marked free of them', () => {
    const family: MetricFamily = {
      name: 'h',
      type: 'histogram',
      samples: [
        s('h_bucket', 1, { a: '1', le: '+Inf' }),
        s('h_count', 1, { a: '1' }),
        s('h_count', 1, { a: '1' }),
        s('h_sum', 1, { a: '1' }),
        s('h_sum', 2, { a: '1' }),
      ],
    };
    const drops: SerializeDrop[] = [];
    expect(serializeOpenMetrics(ex(family), { onDrop: (d) => drops.push(d) })).toBe(
      '# TYPE h histogram\nh_bucket{a="1",le="+Inf"} 1\nh_count{a="1"} 1\nh_sum{a="1"} 1\n# EOF\n',
    );
    expect(drops).toEqual([{ family: 'h', reason: 'duplicate-series', samples: 2 }]);
    const gauge = ex({
      name: 'g',
      type: 'gauge',
      samples: [s('g', 1, { a: '1', b: '2' }), s('g', 2, { b: '2', a: '1' })],
    });
    expect(serializeOpenMetrics(gauge)).toBe('# TYPE g gauge\ng{a="1",b="2"} 1\n# EOF\n');
    expect(serializeOpenMetrics(markSeriesUnique({ ...gauge }))).toBe(
      '# TYPE g gauge\ng{a="1",b="2"} 1\ng{b="2",a="1"} 2\n# EOF\n',
    );
  });

  it('writes shared label tails (relabelled samples) like any other labels', () => {
    const cf = L({ app: 'a"b', index: '0' });
    const inf = { name: 'le', value: 'inf' };
    const family: MetricFamily = {
      name: 'h',
      type: 'histogram',
      samples: [
        // The first two share `le` too, so the shared tail holds a non-canonical +Inf.
        { name: 'h_bucket', labels: [...L({ x: '2' }), inf, ...cf], value: 2 },
        { name: 'h_bucket', labels: [...L({ x: '3' }), inf, ...cf], value: 3 },
        { name: 'h_bucket', labels: [...L({ x: '1' }), inf, ...cf], value: 1 },
        { name: 'h_count', labels: [...L({ x: '1' }), ...cf], value: 1 },
        { name: 'h_sum', labels: [...L({ x: '1' }), ...cf], value: 1 },
      ],
    };
    const g: MetricFamily = {
      name: 'g',
      type: 'gauge',
      samples: [
        { name: 'g', labels: cf, value: 1 },
        { name: 'g', labels: [...L({ b: '' }), ...cf], value: 2 },
      ],
    };
    expect(serializeOpenMetrics(ex(family, g))).toBe(
      '# TYPE h histogram\n' +
        'h_bucket{x="2",le="+Inf",app="a\\"b",index="0"} 2\nh_bucket{x="3",le="+Inf",app="a\\"b",index="0"} 3\n' +
        'h_bucket{x="1",le="+Inf",app="a\\"b",index="0"} 1\nh_count{x="1",app="a\\"b",index="0"} 1\n' +
        'h_sum{x="1",app="a\\"b",index="0"} 1\n' +
        '# TYPE g gauge\ng{app="a\\"b",index="0"} 1\ng{b="",app="a\\"b",index="0"} 2\n# EOF\n',
    );
    const bad: MetricFamily = {
      name: 'b',
      type: 'gauge',
      samples: [
        { name: 'b', labels: cf, value: 1 },
        { name: 'b', labels: [...L({ index: 'x' }), ...cf], value: 2 },
      ],
    };
    const drops: SerializeDrop[] = [];
    serializeOpenMetrics(ex(bad), { onDrop: (d) => drops.push(d) });
    expect(drops).toEqual([{ family: 'b', reason: 'label', samples: 1 }]);
  });

  it('leaves out a unit that does not end the name, or on info and stateset', () => {
    const drops: SerializeDrop[] = [];
    const out = serializeOpenMetrics(
      ex(
        { name: 'a', type: 'gauge', unit: 'seconds', samples: [] },
        { name: 'b_u', type: 'info', unit: 'u', samples: [] },
        { name: 'c_x', type: 'gauge', unit: 'x y', samples: [] },
      ),
      { onDrop: (d) => drops.push(d) },
    );
    expect(out).toBe('# TYPE a gauge\n# TYPE b_u info\n# TYPE c_x gauge\n# EOF\n');
    expect(drops.map((d) => [d.family, d.reason])).toEqual([
      ['a', 'unit'],
      ['b_u', 'unit'],
      ['c_x', 'unit'],
    ]);
  });

  it('leaves out exemplars where OpenMetrics does not allow them, or invalid ones', () => {
    const exemplar = { labels: L({ t: 'a' }), value: 1 };
    const drops: SerializeDrop[] = [];
    const out = serializeOpenMetrics(
      ex(
        { name: 'g', type: 'gauge', samples: [s('g', 1, {}, { exemplar })] },
        {
          name: 'c',
          type: 'counter',
          samples: [
            s('c_total', 1, {}, { exemplar: { labels: L({ '0': 'x' }), value: 1 } }),
            s('c_created', 1, {}, { exemplar }),
          ],
        },
        { name: 'u', type: 'counter', samples: [s('u', 1, {}, { exemplar })] },
        {
          name: 'h',
          type: 'histogram',
          samples: [
            s('h_bucket', 1, { le: '+Inf' }, { exemplar: { labels: L({ t: 'x'.repeat(128) }), value: 1 } }),
          ],
        },
      ),
      { onDrop: (d) => drops.push(d) },
    );
    expect(out).not.toContain(' # ');
    expect(drops.map((d) => d.family)).toEqual(['g', 'c', 'u', 'h']);
    expect(drops.every((d) => d.reason === 'exemplar' && d.samples === 0)).toBe(true);
  });

  it('isValidExemplar counts code points, not UTF-16 units', () => {
    expect(isValidExemplar({ labels: L({ a: '😀'.repeat(127) }), value: 1 })).toBe(true);
    expect(isValidExemplar({ labels: L({ a: '😀'.repeat(128) }), value: 1 })).toBe(false);
    expect(isValidExemplar({ labels: [], value: 1, timestamp: NaN })).toBe(false);
  });

  it('drops the same samples as the text writer', () => {
    const drops: SerializeDrop[] = [];
    const out = serializeOpenMetrics(
      ex(
        { name: 'x_total', type: 'gauge', samples: [s('x_total', 1)] },
        { name: 'x', type: 'counter', samples: [s('x_total', 2)] },
        { name: 'h', type: 'histogram', samples: [s('h_bucket', 1, { le: 'x' }), s('zzz', 1)] },
      ),
      { onDrop: (d) => drops.push(d) },
    );
    expect(out).toBe('# TYPE x_total gauge\nx_total 1\n# TYPE h histogram\n# EOF\n');
    expect(drops).toEqual([
      { family: 'x', reason: 'name-clash', samples: 1 },
      { family: 'h', reason: 'sample-name', samples: 1 },
      { family: 'h', reason: 'label', samples: 1 },
    ]);
  });
});
