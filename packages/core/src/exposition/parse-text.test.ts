/**
 * Text 0.0.4 parser: numbered good cases and bad cases with line and message, after expfmt's
 * text_parse_test.go (the tricky inputs of /work/shared/specs/exposition-formats.md).
 */
import type { Exposition, MetricFamily } from './model.js';
import { parseText } from './parse-text.js';

function parsed(input: string): Exposition {
  const r = parseText(input);
  if (!r.ok) throw new Error(`unexpected parse error: ${r.error.message}`);
  return r.value;
}

const l = (name: string, value: string): { name: string; value: string } => ({ name, value });

interface Good {
  readonly input: string;
  readonly families: readonly MetricFamily[];
}

const good: readonly Good[] = [
  // 0: only blank lines
  { input: '\n\n   \n\t\n', families: [] },
  // 1: the empty input
  { input: '', families: [] },
  // 2: minimal samples; ms timestamps; `{}`; HELP without samples creates no family
  {
    input: 'name 1.234\nname -3e3 103948\nname{} 3\n# HELP other lonely help\n',
    families: [
      {
        name: 'name',
        type: 'unknown',
        samples: [
          { name: 'name', labels: [], value: 1.234 },
          { name: 'name', labels: [], value: -3000, timestampMs: 103948 },
          { name: 'name', labels: [], value: 3 },
        ],
      },
    ],
  },
  // 3: whitespace torture, escapes, HELP after samples
  {
    input: [
      '  # TYPE   name   counter ',
      'name {labelname="val1",basename="basevalue"} NaN',
      'name\t{ labelname = "val2" ,\tbasename =\t"base\\"v\\\\al\\nue" , } 0.23 1234567890',
      'name{labelname="val3",}-Inf',
      '#\tHELP\t\tname  two-line\\n doc  str\\\\ing',
      '',
    ].join('\n'),
    families: [
      {
        name: 'name',
        type: 'counter',
        help: 'two-line\n doc  str\\ing',
        samples: [
          { name: 'name', labels: [l('labelname', 'val1'), l('basename', 'basevalue')], value: NaN },
          {
            name: 'name',
            labels: [l('labelname', 'val2'), l('basename', 'base"v\\al\nue')],
            value: 0.23,
            timestampMs: 1234567890,
          },
          { name: 'name', labels: [l('labelname', 'val3')], value: -Infinity },
        ],
      },
    ],
  },
  // 4: evil summary: interleaved with other families, label order, _count/_sum before quantiles, `08`
  {
    input: [
      '',
      '# TYPE my_summary summary',
      'my_summary{n1="val1",quantile="0.5"} 110',
      'decoy -1 -2',
      'my_summary{n1="val1",quantile="0.9"} 140 1',
      'my_summary_count{n1="val1"} 42',
      'my_summary_sum{n1="val1"} 4711 2',
      'fake_sum{n1="val1"} 2001',
      '# TYPE another_summary summary',
      'another_summary_count{n2="val2",n1="val1"} 20',
      'my_summary_count{n2="val2",n1="val1"} 5 5',
      'another_summary{n1="val1",n2="val2",quantile=".3"} -1.2',
      'my_summary_sum{n1="val2"} 08 15',
      'my_summary{n1="val3", quantile="0.2"} 4711',
      '  my_summary{n1="val1",n2="val2",quantile="-12.34",} NaN',
      '# some',
      '# funny comments',
      '# HELP ',
      '# HELP',
      '# HELP my_summary',
      '# HELP my_summary ',
      '',
    ].join('\n'),
    families: [
      {
        name: 'my_summary',
        type: 'summary',
        samples: [
          { name: 'my_summary', labels: [l('n1', 'val1'), l('quantile', '0.5')], value: 110 },
          { name: 'my_summary', labels: [l('n1', 'val1'), l('quantile', '0.9')], value: 140, timestampMs: 1 },
          { name: 'my_summary_count', labels: [l('n1', 'val1')], value: 42 },
          { name: 'my_summary_sum', labels: [l('n1', 'val1')], value: 4711, timestampMs: 2 },
          { name: 'my_summary_count', labels: [l('n2', 'val2'), l('n1', 'val1')], value: 5, timestampMs: 5 },
          {
            name: 'my_summary',
            labels: [l('n1', 'val1'), l('n2', 'val2'), l('quantile', '-12.34')],
            value: NaN,
          },
          { name: 'my_summary_sum', labels: [l('n1', 'val2')], value: 8, timestampMs: 15 },
          { name: 'my_summary', labels: [l('n1', 'val3'), l('quantile', '0.2')], value: 4711 },
        ],
      },
      {
        name: 'decoy',
        type: 'unknown',
        samples: [{ name: 'decoy', labels: [], value: -1, timestampMs: -2 }],
      },
      {
        name: 'fake_sum',
        type: 'unknown',
        samples: [{ name: 'fake_sum', labels: [l('n1', 'val1')], value: 2001 }],
      },
      {
        name: 'another_summary',
        type: 'summary',
        samples: [
          { name: 'another_summary_count', labels: [l('n2', 'val2'), l('n1', 'val1')], value: 20 },
          {
            name: 'another_summary',
            labels: [l('n1', 'val1'), l('n2', 'val2'), l('quantile', '.3')],
            value: -1.2,
          },
        ],
      },
    ],
  },
  // 5: a normal histogram
  {
    input: [
      '# HELP request_duration_microseconds The response latency.',
      '# TYPE request_duration_microseconds histogram',
      'request_duration_microseconds_bucket{le="100"} 123',
      'request_duration_microseconds_bucket{le="120"} 412',
      'request_duration_microseconds_bucket{le="144"} 592',
      'request_duration_microseconds_bucket{le="172.8"} 1524',
      'request_duration_microseconds_bucket{le="+Inf"} 2693',
      'request_duration_microseconds_sum 1.7560473e+06',
      'request_duration_microseconds_count 2693',
      '',
    ].join('\n'),
    families: [
      {
        name: 'request_duration_microseconds',
        type: 'histogram',
        help: 'The response latency.',
        samples: [
          { name: 'request_duration_microseconds_bucket', labels: [l('le', '100')], value: 123 },
          { name: 'request_duration_microseconds_bucket', labels: [l('le', '120')], value: 412 },
          { name: 'request_duration_microseconds_bucket', labels: [l('le', '144')], value: 592 },
          { name: 'request_duration_microseconds_bucket', labels: [l('le', '172.8')], value: 1524 },
          { name: 'request_duration_microseconds_bucket', labels: [l('le', '+Inf')], value: 2693 },
          { name: 'request_duration_microseconds_sum', labels: [], value: 1756047.3 },
          { name: 'request_duration_microseconds_count', labels: [], value: 2693 },
        ],
      },
    ],
  },
  // 6: float histogram; both gauge histogram spellings (samples renamed to _gsum/_gcount)
  {
    input: [
      '# TYPE fh histogram',
      'fh_bucket{le="1"} 0.5',
      'fh_bucket{le="+Inf"} 2.5',
      'fh_sum 3',
      'fh_count 2.5',
      '# TYPE gh1 gaugehistogram',
      'gh1_bucket{le="+Inf"} 3',
      'gh1_sum 1',
      'gh1_count 3',
      '# TYPE gh2 gauge_histogram',
      'gh2_bucket{le="+Inf"} 1',
      'gh2_gsum 2',
      'gh2_gcount 1',
      '',
    ].join('\n'),
    families: [
      {
        name: 'fh',
        type: 'histogram',
        samples: [
          { name: 'fh_bucket', labels: [l('le', '1')], value: 0.5 },
          { name: 'fh_bucket', labels: [l('le', '+Inf')], value: 2.5 },
          { name: 'fh_sum', labels: [], value: 3 },
          { name: 'fh_count', labels: [], value: 2.5 },
        ],
      },
      {
        name: 'gh1',
        type: 'gaugehistogram',
        samples: [
          { name: 'gh1_bucket', labels: [l('le', '+Inf')], value: 3 },
          { name: 'gh1_gsum', labels: [], value: 1 },
          { name: 'gh1_gcount', labels: [], value: 3 },
        ],
      },
      {
        name: 'gh2',
        type: 'gaugehistogram',
        samples: [
          { name: 'gh2_bucket', labels: [l('le', '+Inf')], value: 1 },
          { name: 'gh2_gsum', labels: [], value: 2 },
          { name: 'gh2_gcount', labels: [], value: 1 },
        ],
      },
    ],
  },
  // 7: UTF-8 quoted names: first or not first in braces, in HELP and TYPE, with escapes
  {
    input: [
      '# HELP "my.metric" a dotted name',
      '# TYPE "my.metric" gauge',
      '{"my.metric","label.name"="v"} 1',
      '{"label.name"="w", "my.metric"} 2',
      '{"esc\\"aped\\\\name"} 3',
      '',
    ].join('\n'),
    families: [
      {
        name: 'my.metric',
        type: 'gauge',
        help: 'a dotted name',
        samples: [
          { name: 'my.metric', labels: [l('label.name', 'v')], value: 1 },
          { name: 'my.metric', labels: [l('label.name', 'w')], value: 2 },
        ],
      },
      {
        name: 'esc"aped\\name',
        type: 'unknown',
        samples: [{ name: 'esc"aped\\name', labels: [], value: 3 }],
      },
    ],
  },
  // 8: counters: `x_total` becomes family `x`; an unsuffixed counter keeps its name; `\"` in HELP
  {
    input: '# HELP x_total Says \\"hi\\".\n# TYPE x_total counter\nx_total{a="1"} 4\n# TYPE y counter\ny 5\n',
    families: [
      {
        name: 'x',
        type: 'counter',
        help: 'Says "hi".',
        samples: [{ name: 'x_total', labels: [l('a', '1')], value: 4 }],
      },
      { name: 'y', type: 'counter', samples: [{ name: 'y', labels: [], value: 5 }] },
    ],
  },
  // 9: special values are case-insensitive; `untyped` is `unknown`; TYPE keyword values are case-insensitive
  {
    input:
      '# TYPE u untyped\nu{v="a"} +inf\nu{v="b"} Inf\nu{v="c"} nan\nu{v="d"} -INFINITY\n# TYPE g GAUGE\ng 1\n',
    families: [
      {
        name: 'u',
        type: 'unknown',
        samples: [
          { name: 'u', labels: [l('v', 'a')], value: Infinity },
          { name: 'u', labels: [l('v', 'b')], value: Infinity },
          { name: 'u', labels: [l('v', 'c')], value: NaN },
          { name: 'u', labels: [l('v', 'd')], value: -Infinity },
        ],
      },
      { name: 'g', type: 'gauge', samples: [{ name: 'g', labels: [], value: 1 }] },
    ],
  },
  // 10: a summary's _sum/_count seen before its TYPE stay untyped families of their own (as expfmt)
  {
    input: 's_sum 1\n# TYPE s summary\ns{quantile="0.5"} 2\n',
    families: [
      { name: 's_sum', type: 'unknown', samples: [{ name: 's_sum', labels: [], value: 1 }] },
      { name: 's', type: 'summary', samples: [{ name: 's', labels: [l('quantile', '0.5')], value: 2 }] },
    ],
  },
];

interface Bad {
  readonly input: string;
  readonly line: number;
  readonly reason: string;
}

const bad: readonly Bad[] = [
  /* 0 */ { input: 'metric 4.12', line: 1, reason: 'unexpected end of input stream' },
  /* 1 */ { input: 'a 1\nmetric{label="\\t"} 3.14\n', line: 2, reason: 'invalid escape sequence "\\\\t"' },
  /* 2 */ {
    input: 'metric{label="new\nline"} 3.14\n',
    line: 1,
    reason: 'unterminated value of label "label"',
  },
  /* 3 */ { input: 'metric{@="bla"} 3.14\n', line: 1, reason: 'invalid label name "@"' },
  /* 4 */ { input: 'metric{__name__="bla"} 3.14\n', line: 1, reason: 'label name "__name__" is reserved' },
  /* 5 */ { input: 'metric{label+="bla"} 3.14\n', line: 1, reason: 'expected "=" after label name "label"' },
  /* 6 */ {
    input: 'metric{label=bla} 3.14\n',
    line: 1,
    reason: 'expected \'"\' at start of the value of label "label"',
  },
  /* 7 */ {
    input: '# TYPE metric summary\nmetric{quantile="bla"} 3.14\n',
    line: 2,
    reason: 'expected float as value for "quantile" label, got "bla"',
  },
  /* 8 */ {
    input: 'metric{label="bla"+} 3.14\n',
    line: 1,
    reason: 'unexpected "+" after the value of label "label"',
  },
  /* 9 */ { input: 'metric{label="bla"} 3.14 2.72\n', line: 1, reason: 'invalid timestamp "2.72"' },
  /* 10 */ {
    input: 'metric{label="bla"} 3.14 2 3\n',
    line: 1,
    reason: 'unexpected text after timestamp "3"',
  },
  /* 11 */ { input: 'metric{label="bla"} blubb\n', line: 1, reason: 'invalid value "blubb"' },
  /* 12 */ {
    input: '# HELP metric one\n# HELP metric two\n',
    line: 2,
    reason: 'second HELP line for metric name "metric"',
  },
  /* 13 */ {
    input: '# TYPE metric counter\n# TYPE metric untyped\n',
    line: 2,
    reason: 'second TYPE line for metric name "metric"',
  },
  /* 14 */ { input: 'metric 4.12\n# TYPE metric counter\n', line: 2, reason: 'TYPE reported after samples' },
  /* 15 */ { input: '# TYPE metric bla\n', line: 1, reason: 'unknown metric type "bla"' },
  /* 16 */ { input: '# TYPE met-ric\n', line: 1, reason: 'invalid metric name in comment "met-ric"' },
  /* 17 */ {
    input: '@invalidmetric{label="bla"} 3.14 2\n',
    line: 1,
    reason: 'invalid metric name "@invalidmetric',
  },
  /* 18 */ { input: '{label="bla"} 3.14 2\n', line: 1, reason: 'sample without a metric name' },
  /* 19 */ { input: '{} 3.14\n', line: 1, reason: 'sample without a metric name' },
  /* 20 */ {
    input: '# TYPE metric histogram\nmetric_bucket{le="bla"} 3.14\n',
    line: 2,
    reason: 'expected float as value for "le" label, got "bla"',
  },
  /* 21 */ {
    input: 'metric{label="\ud800"} 1\n',
    line: 1,
    reason: 'invalid UTF-8 in the value of label "label"',
  },
  /* 22 */ { input: 'a 1_2\n', line: 1, reason: 'invalid value "1_2"' },
  /* 23 */ { input: 'a 0x1p-3\n', line: 1, reason: 'invalid value "0x1p-3"' },
  /* 24 */ { input: 'a 0x1P-3\n', line: 1, reason: 'invalid value "0x1P-3"' },
  /* 25 */ { input: 'a 0B1\n', line: 1, reason: 'invalid value "0B1"' },
  /* 26 */ { input: 'a 0O1\n', line: 1, reason: 'invalid value "0O1"' },
  /* 27 */ { input: 'a 0X1\n', line: 1, reason: 'invalid value "0X1"' },
  /* 28 */ { input: 'a 0x1\n', line: 1, reason: 'invalid value "0x1"' },
  /* 29 */ { input: 'a 0b1\n', line: 1, reason: 'invalid value "0b1"' },
  /* 30 */ { input: 'a 0o1\n', line: 1, reason: 'invalid value "0o1"' },
  /* 31 */ {
    input: '# TYPE h histogram\nh_bucket{le="0x1p-3"} 1\n',
    line: 2,
    reason: 'expected float as value for "le" label, got "0x1p-3"',
  },
  /* 32 */ {
    input: '# TYPE s summary\ns{quantile="0x1p-3"} 1\n',
    line: 2,
    reason: 'expected float as value for "quantile" label, got "0x1p-3"',
  },
  /* 33 */ { input: 'metric{a="1",a="2"} 1\n', line: 1, reason: 'duplicate label name "a"' },
  /* 34 */ { input: '{"one","two"} 1\n', line: 1, reason: 'metric name given twice: "two"' },
  /* 35 */ { input: '# TYPE h histogram\nh_count -1\n', line: 2, reason: 'negative histogram count -1' },
  /* 36 */ {
    input: '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} -1.5\n',
    line: 3,
    reason: 'negative histogram count -1.5',
  },
  /* 37 */ { input: 'a 1e400\n', line: 1, reason: 'invalid value "1e400"' },
  /* 38 */ { input: 'a -nan\n', line: 1, reason: 'invalid value "-nan"' },
  /* 39 */ {
    input: '# HELP a bad \\t escape\n',
    line: 1,
    reason: 'invalid escape sequence "\\\\t" in HELP of "a"',
  },
  /* 40 */ { input: 'a 1 9223372036854775808\n', line: 1, reason: 'invalid timestamp "9223372036854775808"' },
  /* 41 */ { input: 'metric{,a="1"} 1\n', line: 1, reason: 'invalid label name ","' },
  /* 42 */ { input: 'metric{a="1"\n', line: 1, reason: 'unexpected end of line' },
  /* 43 */ { input: 'metric\n', line: 1, reason: 'missing value for "metric"' },
  /* 44 */ {
    input: '# TYPE s summary\ns 1\n',
    line: 2,
    reason: 'summary sample "s" without a "quantile" label',
  },
  /* 45 */ {
    input: '# TYPE h histogram\nh_bucket 1\n',
    line: 2,
    reason: 'histogram bucket "h_bucket" without an "le"',
  },
  /* 46 */ {
    input: 'ok 1\n\n# TYPE x counter\nx{a="1"} 1\nx{a="\\q"} 2\n',
    line: 5,
    reason: 'invalid escape sequence',
  },
  /* 47 */ { input: '# TYPE a constructor\n', line: 1, reason: 'unknown metric type "constructor"' },
  /* 48 */ { input: '# TYPE a counter extra\n', line: 1, reason: 'unknown metric type "counter extra"' },
  /* 49 */ { input: '{"my.metric"} 1\nmy.metric 2\n', line: 2, reason: 'invalid value ".metric"' },
];

describe('parseText', () => {
  it.each(good.map((c, i) => [i, c] as const))('parses good case %i', (_i, c) => {
    expect(parsed(c.input)).toEqual({ families: c.families });
  });

  it.each(bad.map((c, i) => [i, c] as const))('rejects bad case %i with its line and reason', (_i, c) => {
    const r = parseText(c.input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('PF_PARSE');
    expect(r.error.reason).toContain(c.reason);
    expect(r.error.line).toBe(c.line);
    expect(r.error.message).toBe(`line ${c.line}: ${r.error.reason}`);
  });

  describe('labels repeated from the previous line (reused by the fast path)', () => {
    /** Each line parsed on its own, so nothing can be reused from a line before. */
    const alone = (line: string): unknown => parsed(`${line}\n`).families[0]?.samples[0];

    it('gives what each line parsed alone gives', () => {
      const lines = [
        'm{a="1",b="2",c="3"} 1',
        'm{a="1",b="2",c="4"} 2',
        'm{a="1",b="2",c="4",d="5"} 3',
        'm{a="1",b="2"} 4',
        'm{a="1",b="9",c="4"} 5',
        'm{b="1",a="2",} 6',
        'm{a = "1", b="2"} 7',
        'm{a="1",b="x\\"y"} 8',
        'm{a="1",b="x"} 9',
        'm{a="1",b="x\\\\"} 10',
        'm{a="1",b=""} 11',
        'm{a="1",c=""} 12',
        'm{a="caf\u00e9 \ud83d\ude00",b=""} 13',
        'm{a="caf\u00e9 \ud83d\ude00",b=""} 14 1000',
        'm 15',
      ];
      const samples = parsed(`${lines.join('\n')}\n`).families[0]?.samples;
      expect(samples).toEqual(lines.map(alone));
    });

    it('still finds duplicate label names behind repeated ones', () => {
      for (const [input, name] of [
        ['m{a="1",b="2"} 1\nm{b="1",b="2"} 1\n', 'b'],
        ['m{a="1",b="2"} 1\nm{a="1",a="2"} 1\n', 'a'],
        ['m{a="1",b="2",x="1"} 1\nm{a="1",b="2",x="2"} 1\nm{a="1",b="2",a="3"} 1\n', 'a'],
        // labels 1 and 2 repeat as one run, after a changed label 0 of the same name
        ['m{x="1",a="1",b="2"} 1\nm{x="2",a="1",b="2"} 1\nm{a="0",a="1",b="2"} 1\n', 'a'],
      ] as const) {
        const r = parseText(input);
        expect(r.ok ? 'ok' : `${r.error.line}: ${r.error.reason}`).toMatch(
          new RegExp(`^\\d: duplicate label name "${name}"$`),
        );
      }
    });

    it('does not take an escaped value for a repeat of its decoded text', () => {
      const r = parseText('m{a="x\\\\y"} 1\nm{a="x\\y"} 2\n');
      expect(r.ok ? 'ok' : `${r.error.line}: ${r.error.reason}`).toBe(
        '2: invalid escape sequence "\\\\y" in the value of label "a"',
      );
    });
  });

  it('accepts 2000 series of one family without per-family cost growing', () => {
    const lines: string[] = ['# TYPE big gauge'];
    for (let i = 0; i < 2000; i++) lines.push(`big{i="${i}"} ${i}`);
    const fam = parsed(`${lines.join('\n')}\n`).families[0];
    expect(fam?.samples).toHaveLength(2000);
    expect(fam?.samples[1999]).toEqual({ name: 'big', labels: [l('i', '1999')], value: 1999 });
  });
});
