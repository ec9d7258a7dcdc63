import type { Exposition } from './model.js';
import type { SerializeDrop } from './serialize-common.js';
import { escapeTextHelp, serializeText } from './serialize-text.js';
import { ex, L, s } from '../../test/kit/exposition-builders.js';

describe('serializeText', () => {
  const cases: [string, Exposition, string][] = [
    ['empty exposition', ex(), ''],
    [
      'gauge with HELP, labels and escapes',
      ex({
        name: 'g',
        type: 'gauge',
        help: 'a "quoted" \\ help\nline',
        samples: [s('g', 1.5, { a: 'x"y\\z\nw', b: '' })],
      }),
      '# HELP g a "quoted" \\\\ help\\nline\n# TYPE g gauge\ng{a="x\\"y\\\\z\\nw",b=""} 1.5\n',
    ],
    [
      'special values and -0',
      ex({
        name: 'g',
        type: 'gauge',
        samples: [
          s('g', Infinity, { a: '1' }),
          s('g', -Infinity, { a: '2' }),
          s('g', NaN, { a: '3' }),
          s('g', -0, { a: '4' }),
        ],
      }),
      '# TYPE g gauge\ng{a="1"} +Inf\ng{a="2"} -Inf\ng{a="3"} NaN\ng{a="4"} -0\n',
    ],
    [
      'shortest round-tripping floats',
      ex({
        name: 'g',
        type: 'gauge',
        samples: [s('g', 0.1, { a: '1' }), s('g', 1e21, { a: '2' }), s('g', 5e-324, { a: '3' })],
      }),
      '# TYPE g gauge\ng{a="1"} 0.1\ng{a="2"} 1e+21\ng{a="3"} 5e-324\n',
    ],
    [
      'timestamps as whole milliseconds, truncated toward zero',
      ex({
        name: 'g',
        type: 'gauge',
        samples: [
          s('g', 1, { a: '1' }, { timestampMs: 1234.9 }),
          s('g', 1, { a: '2' }, { timestampMs: -2.5 }),
        ],
      }),
      '# TYPE g gauge\ng{a="1"} 1 1234\ng{a="2"} 1 -2\n',
    ],
    [
      'counter x is written as x_total, x_created as its own gauge family',
      ex({
        name: 'req',
        type: 'counter',
        help: 'h',
        samples: [
          s('req_total', 3, { c: '1' }, { exemplar: { labels: L({ t: 'a' }), value: 1 } }),
          s('req_created', 17, { c: '1' }),
        ],
      }),
      '# HELP req_total h\n# TYPE req_total counter\nreq_total{c="1"} 3\n' +
        '# HELP req_created h\n# TYPE req_created gauge\nreq_created{c="1"} 17\n',
    ],
    [
      'unsuffixed counter keeps its name',
      ex({ name: 'hits', type: 'counter', samples: [s('hits', 2)] }),
      '# TYPE hits counter\nhits 2\n',
    ],
    [
      'histogram; _created split off; +inf spelled canonically',
      ex({
        name: 'h',
        type: 'histogram',
        samples: [
          s('h_bucket', 1, { le: '1' }),
          s('h_bucket', 2, { le: '+inf' }),
          s('h_count', 2),
          s('h_sum', 3),
          s('h_created', 9),
        ],
      }),
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_count 2\nh_sum 3\n' +
        '# TYPE h_created gauge\nh_created 9\n',
    ],
    [
      'gaugehistogram as histogram buckets plus _gcount and _gsum gauges',
      ex({
        name: 'gh',
        type: 'gaugehistogram',
        samples: [s('gh_bucket', 2, { le: '+Inf' }), s('gh_gcount', 2), s('gh_gsum', 5)],
      }),
      '# TYPE gh histogram\ngh_bucket{le="+Inf"} 2\n# TYPE gh_gcount gauge\ngh_gcount 2\n# TYPE gh_gsum gauge\ngh_gsum 5\n',
    ],
    [
      'summary',
      ex({
        name: 'sm',
        type: 'summary',
        samples: [s('sm', 1, { quantile: '0.5' }), s('sm_count', 2), s('sm_sum', 3)],
      }),
      '# TYPE sm summary\nsm{quantile="0.5"} 1\nsm_count 2\nsm_sum 3\n',
    ],
    [
      'info as gauge x_info, stateset as gauge, unknown as untyped',
      ex(
        { name: 'b', type: 'info', samples: [s('b_info', 1, { v: '1' })] },
        { name: 'st', type: 'stateset', samples: [s('st', 1, { st: 'on' })] },
        { name: 'u', type: 'unknown', samples: [s('u', 4)] },
      ),
      '# TYPE b_info gauge\nb_info{v="1"} 1\n# TYPE st gauge\nst{st="on"} 1\n# TYPE u untyped\nu 4\n',
    ],
    [
      'UNIT is not written',
      ex({ name: 'd_seconds', type: 'gauge', unit: 'seconds', samples: [s('d_seconds', 1)] }),
      '# TYPE d_seconds gauge\nd_seconds 1\n',
    ],
    [
      'histogram with a negative count is written untyped per sample name',
      ex({ name: 'h', type: 'histogram', samples: [s('h_bucket', -1, { le: '+Inf' }), s('h_count', -1)] }),
      '# TYPE h_bucket untyped\nh_bucket{le="+Inf"} -1\n# TYPE h_count untyped\nh_count -1\n',
    ],
    ['family with no samples is left out', ex({ name: 'e', type: 'gauge', help: 'x', samples: [] }), ''],
  ];
  it.each(cases)('%s', (_title, input, expected) => {
    expect(serializeText(input)).toBe(expected);
  });

  const drops: [string, Exposition, string, SerializeDrop[]][] = [
    [
      'invalid family name',
      ex(
        { name: '1x', type: 'gauge', samples: [s('1x', 1)] },
        { name: 'ok', type: 'gauge', samples: [s('ok', 1)] },
      ),
      '# TYPE ok gauge\nok 1\n',
      [{ family: '1x', reason: 'family-name', samples: 1 }],
    ],
    [
      'unknown type',
      ex({ name: 'x', type: 'bogus' as 'gauge', samples: [s('x', 1)] }),
      '',
      [{ family: 'x', reason: 'family-name', samples: 1 }],
    ],
    [
      'name clash: gauge x_total then counter x',
      ex(
        { name: 'x_total', type: 'gauge', samples: [s('x_total', 1)] },
        { name: 'x', type: 'counter', samples: [s('x_total', 2)] },
      ),
      '# TYPE x_total gauge\nx_total 1\n',
      [{ family: 'x', reason: 'name-clash', samples: 1 }],
    ],
    [
      'duplicate family name',
      ex(
        { name: 'x', type: 'gauge', samples: [s('x', 1)] },
        { name: 'x', type: 'gauge', samples: [s('x', 2)] },
      ),
      '# TYPE x gauge\nx 1\n',
      [{ family: 'x', reason: 'name-clash', samples: 1 }],
    ],
    [
      'sample names that do not belong, bad labels',
      ex({
        name: 'h',
        type: 'histogram',
        samples: [
          s('h_bucket', 1, { le: '+Inf' }),
          s('other', 1),
          s('h_bucket', 1),
          s('h_bucket', 1, { le: '0x1p-3' }),
          s('h_count', 1, { le: '1' }),
          s('h_sum', 1, { 'bad-label': 'x' }),
          s('h_sum', 1, { __name__: 'x' }),
          { name: 'h_sum', labels: [...L({ a: '1' }), ...L({ a: '2' })], value: 1 },
        ],
      }),
      '# TYPE h histogram\nh_bucket{le="+Inf"} 1\n',
      [
        { family: 'h', reason: 'sample-name', samples: 1 },
        { family: 'h', reason: 'label', samples: 6 },
      ],
    ],
    [
      'summary without quantile; stateset without its label',
      ex(
        { name: 'sm', type: 'summary', samples: [s('sm', 1), s('sm_count', 1, { quantile: '0.5' })] },
        { name: 'st', type: 'stateset', samples: [s('st', 1, { other: 'a' })] },
      ),
      '',
      [
        { family: 'sm', reason: 'label', samples: 2 },
        { family: 'st', reason: 'label', samples: 1 },
      ],
    ],
    [
      'repeated series, in any label order',
      ex({
        name: 'g',
        type: 'gauge',
        samples: [s('g', 1, { a: '1', b: '2' }), s('g', 2, { b: '2', a: '1' }), s('g', 3, { a: '2' })],
      }),
      '# TYPE g gauge\ng{a="1",b="2"} 1\ng{a="2"} 3\n',
      [{ family: 'g', reason: 'duplicate-series', samples: 1 }],
    ],
    [
      'timestamp out of range is left out',
      ex({ name: 'g', type: 'gauge', samples: [s('g', 1, {}, { timestampMs: 1e300 })] }),
      '# TYPE g gauge\ng 1\n',
      [{ family: 'g', reason: 'timestamp', samples: 0 }],
    ],
  ];
  it.each(drops)('drops and reports: %s', (_title, input, expected, reported) => {
    const got: SerializeDrop[] = [];
    expect(serializeText(input, { onDrop: (d) => got.push(d) })).toBe(expected);
    expect(got).toEqual(reported);
  });

  it('escapeTextHelp escapes only backslash and newline', () => {
    expect(escapeTextHelp('a"b\\c\nd\te')).toBe('a"b\\\\c\\nd\te');
    expect(escapeTextHelp('plain')).toBe('plain');
  });
});
