/**
 * OpenMetrics 1.0 parser: the parsed content of good inputs, and line + reason of bad ones. The accept/reject
 * verdicts of the full conformance suite are in openmetrics-conformance.test.ts.
 */
import type { Exposition } from './model.js';
import { parseOpenMetrics } from './parse-openmetrics.js';

function parsed(input: string): Exposition {
  const r = parseOpenMetrics(input);
  if (!r.ok) throw new Error(`unexpected parse error: ${r.error.message}`);
  return r.value;
}

const l = (name: string, value: string): { name: string; value: string } => ({ name, value });

describe('parseOpenMetrics', () => {
  it('reads counters with _created, units, help, exemplars and second timestamps as milliseconds', () => {
    const input = [
      '# TYPE rpc_seconds counter',
      '# UNIT rpc_seconds seconds',
      '# HELP rpc_seconds Time in \\"rpc\\"\\n calls.',
      'rpc_seconds_total{svc="a"} 17.5 1700000000.25 # {trace_id="abc"} 0.5 1700000000.125',
      'rpc_seconds_created{svc="a"} 1699999999.5 1700000000.25',
      '# EOF',
      '',
    ].join('\n');
    expect(parsed(input)).toEqual({
      families: [
        {
          name: 'rpc_seconds',
          type: 'counter',
          unit: 'seconds',
          help: 'Time in "rpc"\n calls.',
          samples: [
            {
              name: 'rpc_seconds_total',
              labels: [l('svc', 'a')],
              value: 17.5,
              timestampMs: 1700000000250,
              exemplar: { labels: [l('trace_id', 'abc')], value: 0.5, timestamp: 1700000000.125 },
            },
            {
              name: 'rpc_seconds_created',
              labels: [l('svc', 'a')],
              value: 1699999999.5,
              timestampMs: 1700000000250,
            },
          ],
        },
      ],
    });
  });

  it('reads every type, and keeps metadata-only families', () => {
    const input = [
      '# TYPE i info',
      'i_info{v="1.2"} 1',
      '# TYPE st stateset',
      'st{st="on"} 1',
      'st{st="off"} 0',
      '# TYPE gh gaugehistogram',
      'gh_bucket{le="+Inf"} 2',
      'gh_gcount 2',
      'gh_gsum 3',
      '# TYPE s summary',
      's{quantile="0.5"} 1',
      's_sum 4',
      's_count 2',
      '# TYPE u unknown',
      'u 1',
      '# HELP lonely nobody',
      '# EOF',
    ].join('\n');
    const families = parsed(input).families;
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['i', 'info', 1],
      ['st', 'stateset', 2],
      ['gh', 'gaugehistogram', 3],
      ['s', 'summary', 3],
      ['u', 'unknown', 1],
      ['lonely', 'unknown', 0],
    ]);
    expect(families[5]).toEqual({ name: 'lonely', type: 'unknown', help: 'nobody', samples: [] });
  });

  it('accepts case-insensitive infinities and NaN, and leading zeros', () => {
    const samples = parsed('a{x="1"} +inf\na{x="2"} -Infinity\na{x="3"} nan\na{x="4"} 007\n# EOF\n')
      .families[0]?.samples;
    expect(samples?.map((s) => s.value)).toEqual([Infinity, -Infinity, NaN, 7]);
  });

  const bad: readonly (readonly [string, number, string])[] = [
    ['a 1\n', 1, 'missing "# EOF"'],
    ['', 1, 'missing "# EOF"'],
    ['a 1\n\n# EOF\n', 2, 'blank line'],
    ['a 1\r\n# EOF\n', 1, 'CR at the end of the line'],
    ['a 1\n# EOF\n\n', 3, 'text after "# EOF"'],
    ['a 1\n# EOF\nb 1', 3, 'text after "# EOF"'],
    ['# random comment\n# EOF\n', 1, 'invalid comment line'],
    ['a{a="1",b="2",} 1\n# EOF\n', 1, 'invalid label name'],
    ['a  1\n# EOF\n', 1, 'invalid value ""'],
    ['# TYPE a counter\na_total -1\n# EOF\n', 2, '"a_total" of counter "a" cannot be negative'],
    ['# TYPE a gauge\na 1 # {b="c"} 1\n# EOF\n', 2, 'exemplar not allowed on "a"'],
    ['# TYPE a histogram\na_bucket{le="1"} 1\na_bucket{le="+Inf"} 0\n# EOF\n', 3, 'not cumulative'],
    ['# TYPE a histogram\na_bucket{le="1"} 0\n# EOF\n', 2, 'histogram "a" has no +Inf bucket'],
    [
      '# TYPE a histogram\na_bucket{x="1",le="+Inf"} 1\na_count{x="1"} 2\na_sum{x="1"} 2\na_bucket{x="2",le="+Inf"} 0\n# EOF\n',
      4,
      'count 2 does not match the +Inf bucket 1',
    ],
    ['# TYPE a gauge\na{x="1"} 1\na{x="2"} 1\na{x="1"} 2\n# EOF\n', 4, 'not contiguous'],
    ['# TYPE a gauge\na 1 2\na 1 1\n# EOF\n', 3, 'went backwards'],
    ['# TYPE a_created gauge\n# TYPE a counter\n# EOF\n', 2, 'clashing name "a_created"'],
    ['# UNIT a seconds\n# EOF\n', 1, 'does not end with its unit'],
    ['# TYPE a gauge\na 1\n# HELP a late\n# EOF\n', 3, '# HELP for "a" after its samples'],
    ['# TYPE a info\na_info 2\n# EOF\n', 2, 'info value must be 1'],
    ['# TYPE a stateset\na{a="x"} 0.5\n# EOF\n', 2, 'stateset value must be 0 or 1'],
    ['# TYPE a summary\na{quantile="1.5"} 1\n# EOF\n', 2, 'invalid quantile "1.5"'],
    ['a 1 NaN\n# EOF\n', 1, 'invalid timestamp "NaN"'],
    [`# TYPE a counter\na_total 1 # {x="${'y'.repeat(128)}"} 1\n# EOF\n`, 2, 'more than 128'],
  ];

  it.each(bad.map(([input, line, reason], i) => [i, input, line, reason] as const))(
    'rejects bad case %i with its line and reason',
    (_i, input, line, reason) => {
      const r = parseOpenMetrics(input);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.reason).toContain(reason);
      expect(r.error.line).toBe(line);
    },
  );
});
