import {
  canonicalLe,
  claimedNames,
  formatOpenMetricsTimestamp,
  formatTextTimestamp,
  formatValue,
  isLabelName,
  isMetricName,
  isWritableTimestamp,
  parseGoFloat,
  seriesKey,
  Utf8Sink,
} from './serialize-common.js';

describe('serialize-common', () => {
  it.each([
    ['1', 1],
    ['-1.5e3', -1500],
    ['.5', 0.5],
    ['1.', 1],
    ['08', 8],
    ['+Inf', Infinity],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    ['NaN', NaN],
    ['nan', NaN],
  ])('parseGoFloat(%j) = %p', (input, expected) => {
    expect(parseGoFloat(input)).toBe(expected);
  });

  it.each(['', 'x', '0x1', '0x1p-3', '1_2', '0b1', ' 1', '1 ', '+nan', '1e400', '.', 'e5', 'infinit'])(
    'parseGoFloat(%j) rejects',
    (input) => {
      expect(parseGoFloat(input)).toBeUndefined();
    },
  );

  it.each([
    [1, '1'],
    [0.1, '0.1'],
    [-0, '-0'],
    [0, '0'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
  ])('formatValue(%p) = %j', (v, expected) => {
    expect(formatValue(v)).toBe(expected);
    expect(parseGoFloat(expected)).toBe(v);
  });

  it('formats timestamps', () => {
    expect(formatTextTimestamp(-0.4)).toBe('0');
    expect(formatTextTimestamp(9_000_000_000_000_000_000)).toBe('9000000000000000000');
    expect(formatOpenMetricsTimestamp(-5)).toBe('-0.005');
    expect(formatOpenMetricsTimestamp(1e20)).toBe('100000000000000000');
    expect(isWritableTimestamp(Infinity)).toBe(false);
    expect(isWritableTimestamp(1e19)).toBe(false);
    expect(isWritableTimestamp(-9e18)).toBe(true);
  });

  it('validates names', () => {
    expect(isMetricName('a:b_c9')).toBe(true);
    expect(isMetricName(':a')).toBe(true);
    expect(isMetricName('9a')).toBe(false);
    expect(isMetricName('a-b')).toBe(false);
    expect(isMetricName('')).toBe(false);
    expect(isLabelName('_a9')).toBe(true);
    expect(isLabelName('a:b')).toBe(false);
    expect(isLabelName('')).toBe(false);
  });

  it('canonicalLe spells +Inf one way', () => {
    expect(['+Inf', 'Inf', '+inf', 'infinity', 'Infinity'].map(canonicalLe)).toEqual(Array(5).fill('+Inf'));
    expect(['1', '-Inf', 'NaN', 'i'].map(canonicalLe)).toEqual(['1', '-Inf', 'NaN', 'i']);
  });

  it.each([
    ['counter', [{ name: 'x_total', labels: [], value: 1 }], ['x', 'x_total', 'x_created']],
    ['counter', [{ name: 'x', labels: [], value: 1 }], ['x']],
    ['histogram', [], ['x', 'x_bucket', 'x_count', 'x_sum', 'x_created']],
    ['gaugehistogram', [], ['x', 'x_bucket', 'x_gcount', 'x_gsum']],
    ['summary', [], ['x', 'x_count', 'x_sum', 'x_created']],
    ['info', [], ['x', 'x_info']],
    ['stateset', [], ['x']],
    ['gauge', [], ['x']],
  ] as const)('claimedNames of a %s', (type, samples, expected) => {
    expect(claimedNames({ name: 'x', type, samples })).toEqual(expected);
  });

  it('Utf8Sink grows past its hint and keeps non-ASCII text', () => {
    const sink = new Utf8Sink(0);
    const chunk = 'é😀 '.repeat(1000);
    for (let i = 0; i < 5; i++) sink.write(chunk);
    sink.write('\ud800');
    expect(sink.toString()).toBe(chunk.repeat(5) + '\ufffd');
    const ascii = new Utf8Sink(1);
    ascii.write('x'.repeat(10_000));
    expect(ascii.toString()).toBe('x'.repeat(10_000));
  });
});

describe('seriesKey', () => {
  it('treats spellings of +Inf in le as one series (they are written alike)', () => {
    const a = { name: 'x_bucket', labels: [{ name: 'le', value: '+Inf' }], value: 0 };
    const b = { name: 'x_bucket', labels: [{ name: 'le', value: 'Inf' }], value: 0 };
    expect(seriesKey(a)).toBe(seriesKey(b));
  });
});

describe('duplicate spellings of le="+Inf" (fast-check counterexample, seed 1836419619)', () => {
  it('both serializers write the series once, and the output parses', async () => {
    const { serializeOpenMetrics } = await import('./serialize-openmetrics.js');
    const { serializeText } = await import('./serialize-text.js');
    const { parseOpenMetrics } = await import('./parse-openmetrics.js');
    const { parseText } = await import('./parse-text.js');
    const exposition = {
      families: [
        {
          name: 'b_count',
          type: 'histogram' as const,
          samples: [
            { name: 'b_count_bucket', labels: [{ name: 'le', value: '+Inf' }], value: 0, timestampMs: 0 },
            { name: 'b_count_bucket', labels: [{ name: 'le', value: 'Inf' }], value: 0 },
          ],
        },
      ],
    };
    const om = serializeOpenMetrics(exposition);
    expect(parseOpenMetrics(om).ok).toBe(true);
    expect(om.match(/b_count_bucket\{le="\+Inf"\}/g)).toHaveLength(1);
    const text = serializeText(exposition);
    expect(parseText(text).ok).toBe(true);
    expect(text.match(/b_count_bucket\{le="\+Inf"\}/g)).toHaveLength(1);
  });
});
