/**
 * Format dispatch and streaming: the streamed parser must give exactly what the string parser gives,
 * wherever the chunks split the input.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExpositionFormat } from './model.js';
import { createExpositionParser, formatOfContentType, parseExposition } from './parse.js';
import { parseOpenMetrics } from './parse-openmetrics.js';
import { parseText } from './parse-text.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

function streamed(format: ExpositionFormat, chunks: readonly string[]): ReturnType<typeof parseText> {
  const parser = createExpositionParser(format);
  for (const c of chunks) parser.push(c);
  return parser.end();
}

/** A small deterministic PRNG (no Math.random in tests that must reproduce). */
function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function randomChunks(input: string, rnd: () => number, maxChunk: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < input.length;) {
    const n = 1 + Math.floor(rnd() * maxChunk);
    chunks.push(input.slice(i, i + n));
    i += n;
  }
  return chunks;
}

describe('formatOfContentType / parseExposition', () => {
  it.each([
    [undefined, 'text-0.0.4'],
    ['text/plain; version=0.0.4; charset=utf-8', 'text-0.0.4'],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics-1.0.0'],
    ['Application/OpenMetrics-Text;version=0.0.1', 'openmetrics-1.0.0'],
    ['application/openmetrics-text', 'openmetrics-1.0.0'],
    ['application/json', 'text-0.0.4'],
  ] as const)('%s → %s', (contentType, format) => {
    expect(formatOfContentType(contentType)).toBe(format);
  });

  it('dispatches on the content type', () => {
    const om = '# TYPE a counter\na_total 1\n# EOF\n';
    expect(parseExposition(om, 'application/openmetrics-text; version=1.0.0')).toEqual(parseOpenMetrics(om));
    const text = parseExposition(om);
    expect(text.ok && text.value.families.map((f) => f.name)).toEqual(['a_total']);
    expect(parseExposition('a 1', 'text/plain').ok).toBe(false);
  });
});

const smallText = [
  '# HELP a_total The a.\n# TYPE a_total counter\na_total{x="1"} 3 1000\n',
  '  # TYPE s summary\ns{quantile="0.5",k="v"} 1\nother 2\ns_sum{k="v"} 3\ns_count{k="v"} 4\n',
  '{"my.metric","l"="v\\n"} 1\n',
  'a 1\nb{x="1" 2\n',
  'a 1',
  '\n\n',
  '',
];
const smallOm = [
  '# TYPE a counter\n# HELP a h\na_total 1 # {t="x"} 1 2\n# EOF\n',
  '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_count 2\nh_sum 3\n# EOF',
  'a 1\n# EOF\nb',
  'a 1\n\n# EOF\n',
];

describe('createExpositionParser', () => {
  it.each(smallText.map((s, i) => [i, s] as const))(
    'text case %i: same result split at every position',
    (_i, s) => {
      const whole = parseText(s);
      for (let at = 0; at <= s.length; at++) {
        expect(streamed('text-0.0.4', [s.slice(0, at), s.slice(at)])).toEqual(whole);
      }
      expect(streamed('text-0.0.4', [...s])).toEqual(whole);
    },
  );

  it.each(smallOm.map((s, i) => [i, s] as const))(
    'OpenMetrics case %i: same result split at every position',
    (_i, s) => {
      const whole = parseOpenMetrics(s);
      for (let at = 0; at <= s.length; at++) {
        expect(streamed('openmetrics-1.0.0', [s.slice(0, at), s.slice(at)])).toEqual(whole);
      }
      expect(streamed('openmetrics-1.0.0', [...s])).toEqual(whole);
    },
  );

  it.each([
    ['node-exporter.prom', 'text-0.0.4'],
    ['spring-micrometer.prom', 'text-0.0.4'],
    ['openmetrics-app.om.txt', 'openmetrics-1.0.0'],
  ] as const)('fixture %s: same result for random chunkings', (name, format) => {
    const input = fixture(name);
    const whole = format === 'text-0.0.4' ? parseText(input) : parseOpenMetrics(input);
    expect(whole.ok).toBe(true);
    const rnd = prng(name.length);
    for (const maxChunk of [1, 7, 100, 4096, 65536]) {
      expect(streamed(format, randomChunks(input, rnd, maxChunk))).toEqual(whole);
    }
  });

  it.each([
    ['node-exporter.prom', 175, 1958],
    ['spring-micrometer.prom', 23, 722],
  ] as const)('fixture %s has %i families and %i series', (name, families, series) => {
    const r = parseText(fixture(name));
    if (!r.ok) throw r.error;
    expect(r.value.families).toHaveLength(families);
    expect(r.value.families.reduce((n, f) => n + f.samples.length, 0)).toBe(series);
  });

  it('reads the OpenMetrics fixture with its units, exemplars and _created samples', () => {
    const r = parseOpenMetrics(fixture('openmetrics-app.om.txt'));
    if (!r.ok) throw r.error;
    const byName = new Map(r.value.families.map((f) => [f.name, f]));
    expect(r.value.families).toHaveLength(10);
    expect(byName.get('http_server_request_duration_seconds')?.unit).toBe('seconds');
    expect(
      byName.get('http_server_requests')?.samples.some((s) => s.name === 'http_server_requests_created'),
    ).toBe(true);
    expect(byName.get('http_server_requests')?.samples.filter((s) => s.exemplar !== undefined)).toHaveLength(
      5,
    );
    expect(byName.get('legacy_thing')?.samples[0]?.labels).toEqual([
      { name: 'path', value: 'C:\\temp\\x' },
      { name: 'note', value: 'line1\nline2' },
    ]);
  });

  it('reports the first error at end() and ignores later chunks', () => {
    const parser = createExpositionParser('text-0.0.4');
    parser.push('ok 1\nbad{ 1\n');
    parser.push('more 2\n');
    const r = parser.end();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.line).toBe(2);
  });

  it('refuses a second end()', () => {
    const parser = createExpositionParser('openmetrics-1.0.0');
    parser.push('# EOF\n');
    expect(parser.end().ok).toBe(true);
    expect(parser.end().ok).toBe(false);
  });
});
