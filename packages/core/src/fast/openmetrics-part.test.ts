/**
 * The OpenMetrics reader of the fast path against the model path it replaces: for every input it accepts,
 * the very same bytes and the same merge conflicts as parseOpenMetrics → relabel → mergeExpositions →
 * serializeText / serializeOpenMetrics; for every other input (the parser's rejections included), a
 * decline. The OpenMetrics fixture must be accepted; the conformance inputs, random valid expositions
 * written as OpenMetrics and edits of them must be accepted and equal, or declined.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Exposition, Labels } from '../exposition/model.js';
import { parseExposition } from '../exposition/parse.js';
import { serializeOpenMetrics } from '../exposition/serialize-openmetrics.js';
import { serializeText } from '../exposition/serialize-text.js';
import { mergeExpositions } from '../merge/merge-expositions.js';
import { cfLabelsFor } from '../relabel/cf-labels.js';
import { relabel } from '../relabel/relabel.js';
import { fetchSeries } from '../use-cases/fetch-series.js';
import { looseExposition, validExposition } from '../../test/kit/exposition-arbitraries.js';
import { loadFuzzSeeds } from '../../test/kit/fuzz-seeds.js';
import { mergeAndWrite, modelPart } from './merge-write.js';
import { scanOpenMetricsPart } from './openmetrics-part.js';
import { scanTextPart, type FastPart, type OutputFormat } from './text-part.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const TEXT = 'text/plain; version=0.0.4';

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

/** One instance's answer: its body and Content-Type (OpenMetrics unless said). */
interface Body {
  readonly body: string;
  readonly contentType: string;
}

const om = (body: string): Body => ({ body, contentType: OM });

interface Answer {
  readonly body: string;
  readonly conflicts: unknown;
}

function modelAnswer(bodies: readonly Body[], format: OutputFormat): Answer | undefined {
  const parts: Exposition[] = [own(bodies.length)];
  for (let i = 0; i < bodies.length; i++) {
    const parsed = parseExposition(bodies[i]!.body, bodies[i]!.contentType);
    if (!parsed.ok) return undefined;
    parts.push(relabel(parsed.value, identity(i)));
  }
  const merged = mergeExpositions(parts);
  const body = format === 'text' ? serializeText(merged.exposition) : serializeOpenMetrics(merged.exposition);
  return { body, conflicts: merged.conflicts };
}

function fastAnswer(bodies: readonly Body[], format: OutputFormat): Answer | string {
  const first = modelPart(own(bodies.length), format);
  if ('declined' in first) return first.declined;
  const parts: FastPart[] = [first];
  for (let i = 0; i < bodies.length; i++) {
    const { body, contentType } = bodies[i]!;
    const bytes = Buffer.from(body);
    const part =
      contentType === OM
        ? scanOpenMetricsPart(bytes, identity(i), format)
        : scanTextPart(bytes, identity(i), format);
    if ('declined' in part) return part.declined;
    parts.push(part);
  }
  const merged = mergeAndWrite(parts, format);
  if ('declined' in merged) return merged.declined;
  return { body: merged.bytes.toString('utf8'), conflicts: merged.conflicts };
}

/** Fast equals model, or the fast path declined; returns whether it was accepted. */
function expectEquivalent(bodies: readonly Body[], format: OutputFormat): boolean {
  const fast = fastAnswer(bodies, format);
  if (typeof fast === 'string') return false;
  const model = modelAnswer(bodies, format);
  expect(model).toBeDefined();
  expect(fast.body).toBe(model!.body);
  expect(fast.conflicts).toEqual(model!.conflicts);
  return true;
}

/** FAST_PATH_RUNS=3000 FC_SEED=random explores further than CI does. */
const RUNS = Number(process.env['FAST_PATH_RUNS'] ?? '300');
const FORMATS: readonly OutputFormat[] = ['text', 'openmetrics'];

describe('fast path, OpenMetrics: the fixture is accepted and written exactly as the model path writes it', () => {
  const app = fixture('openmetrics-app.om.txt');
  for (const format of FORMATS) {
    it(`openmetrics-app.om.txt, 3 instances, ${format}`, () => {
      expect(fastAnswer([om(app), om(app), om(app)], format)).not.toEqual(expect.any(String));
      expect(expectEquivalent([om(app), om(app), om(app)], format)).toBe(true);
    });
    it(`an OpenMetrics instance beside text instances, ${format}`, () => {
      const text = { body: fixture('spring-micrometer.prom'), contentType: TEXT };
      expect(expectEquivalent([text, om(app), text, om(app)], format)).toBe(true);
    });
  }

  it('client_python and client_java shapes: accepted and equal', () => {
    const python = [
      '# HELP python_gc_objects_collected Objects collected during gc',
      '# TYPE python_gc_objects_collected counter',
      'python_gc_objects_collected_total{generation="0"} 233.0',
      'python_gc_objects_collected_total{generation="1"} 12.0',
      '# HELP process_virtual_memory_bytes Virtual memory size in bytes.',
      '# TYPE process_virtual_memory_bytes gauge',
      'process_virtual_memory_bytes 1.8886656e+08',
      '# HELP request_latency_seconds Request latency.',
      '# TYPE request_latency_seconds histogram',
      ...['0.005', '0.5', '1.0', '+Inf'].map((le, k) => `request_latency_seconds_bucket{le="${le}"} ${k}.0`),
      'request_latency_seconds_count 3.0',
      'request_latency_seconds_sum 1.25',
      'request_latency_seconds_created 1.7069400001234e+09',
      '# HELP rpc_seconds RPC time.',
      '# TYPE rpc_seconds summary',
      'rpc_seconds_count{method="get"} 4.0',
      'rpc_seconds_sum{method="get"} 0.5',
      'rpc_seconds_created{method="get"} 1.7069400001234e+09',
      '# HELP my_build Build.',
      '# TYPE my_build info',
      'my_build_info{version="1.2"} 1.0',
      '# EOF',
      '',
    ].join('\n');
    const java = [
      '# TYPE http_requests counter',
      '# HELP http_requests Requests, "quoted" \\ and \\n.',
      'http_requests_total{path="/",status="200"} 3.0 # {trace_id="abc"} 1.0 1.706941234E9',
      'http_requests_created{path="/",status="200"} 1.706940000123E9',
      '# TYPE jvm_memory_used_bytes gauge',
      '# UNIT jvm_memory_used_bytes bytes',
      'jvm_memory_used_bytes{area="heap"} 1.2345E7',
      'jvm_memory_used_bytes{area="nonheap"} 5.4321E7',
      '# TYPE jobs_seconds histogram',
      '# UNIT jobs_seconds seconds',
      'jobs_seconds_count{job="a"} 2',
      'jobs_seconds_sum{job="a"} 0.75',
      'jobs_seconds_bucket{job="a",le="0.5"} 1',
      'jobs_seconds_bucket{job="a",le="+Inf"} 2',
      'jobs_seconds_created{job="a"} 1.706940000123E9',
      '# EOF',
    ].join('\n');
    for (const format of FORMATS) {
      for (const body of [python, java]) {
        expect(fastAnswer([om(body), om(body)], format)).not.toEqual(expect.any(String));
        expect(expectEquivalent([om(body), om(body)], format)).toBe(true);
      }
    }
  });

  it('merges metadata and types across instances as the model does (units, HELP, type conflicts)', () => {
    const a =
      '# TYPE x_a_b gauge\n# UNIT x_a_b b\n# HELP x_a_b one\nx_a_b 1\n# TYPE y counter\ny_total 1\n# EOF\n';
    const b = '# TYPE x_a_b gauge\n# UNIT x_a_b a_b\n# HELP x_a_b two\nx_a_b 2\n# TYPE y gauge\ny 1\n# EOF\n';
    const c =
      '# TYPE x_a_b gauge\n# HELP x_a_b one\n# TYPE z_seconds summary\n# UNIT z_seconds seconds\n# EOF\n';
    for (const format of FORMATS) {
      expect(expectEquivalent([om(a), om(b), om(c)], format)).toBe(true);
      expect(expectEquivalent([om(c), om(b), om(a)], format)).toBe(true);
    }
    const merged = fastAnswer([om(a), om(b)], 'openmetrics') as Answer;
    expect(merged.conflicts).toEqual([
      { family: 'x_a_b', kind: 'help', dropped: 0 },
      { family: 'x_a_b', kind: 'unit', dropped: 0 },
      { family: 'y', kind: 'type', dropped: 1 },
    ]);
  });

  it('declines what it does not reproduce, and every body the parser rejects', () => {
    const cases: Record<string, string> = {
      'no EOF': 'a 1\n',
      'timestamp on an info': '# TYPE a info\na_info 1 100\n# EOF\n',
      'timestamps differ within a group': '# TYPE a counter\na_total 1 100\na_created 1 101\n# EOF\n',
      'reopened summary group, quantile in the middle':
        '# TYPE s summary\ns{a="1",quantile="0.5",b="2"} 1\ns_count{a="1",b="2"} 1\n' +
        's{a="2",quantile="0.5",b="2"} 1\ns_sum{a="1",b="2"} 1\n# EOF\n',
      'label order changes': 'a{x="1",y="2"} 1\na{y="2",x="1"} 1\n# EOF\n',
      'blank line': 'a 1\n\n# EOF\n',
      'non-canonical escape': 'a{x="\\t"} 1\n# EOF\n',
      'empty label set': 'a{} 1\n# EOF\n',
      'reopened group': '# TYPE a counter\na_total{x="1"} 1\na_total{x="2"} 1\na_created{x="1"} 1\n# EOF\n',
      'label named like a CF label': 'a{instance="x"} 1\n# EOF\n',
      'non-integer bucket': '# TYPE a histogram\na_bucket{le="+Inf"} 1.5\n# EOF\n',
    };
    for (const [name, body] of Object.entries(cases)) {
      const fast = fastAnswer([om(body)], 'openmetrics');
      expect([name, typeof fast]).toEqual([name, 'string']);
    }
  });
});

describe('fast path, OpenMetrics: the conformance inputs and the fixtures', () => {
  const seeds = loadFuzzSeeds();
  for (const format of FORMATS) {
    it(`every seed: accepted and equal, or declined (${format})`, () => {
      let accepted = 0;
      let valid = 0;
      for (const seed of seeds) {
        if (parseExposition(seed, OM).ok) valid++;
        if (expectEquivalent([om(seed), om(seed)], format)) accepted++;
      }
      expect(valid).toBeGreaterThan(20);
      expect(accepted).toBeGreaterThan(valid / 3);
    });
  }
});

/** Edits an OpenMetrics exposition the ways the fast path must notice. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('swap-labels' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('move-line' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('blank' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('value' as const),
    at: fc.nat(),
    value: fc.constantFrom(
      '1.0',
      '1e3',
      '-0',
      '+Inf',
      'NaN',
      '0.0000001',
      '1.5E-5',
      '007',
      '-1',
      '1.25',
      '2',
      '0',
      '1 1700000000.5',
      '1 # {a="b"} 1',
      '1 # {} 0.5 17.25',
    ),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    line: fc.constantFrom(
      '# TYPE x counter',
      '# TYPE x gauge',
      '# TYPE x histogram',
      '# TYPE x_seconds summary',
      '# UNIT x_seconds seconds',
      '# HELP x some \\"help\\" \\\\ \\n',
      '# EOF',
      'x 1',
      'x 1 1700000000',
      'x_total 2',
      'x_created 3',
      'x{instance="a"} 1',
      'x{a="1",b="2"} 1',
      'x{b="2",a="1"} 1',
      'x_bucket{le="+Inf"} 1',
      'x_bucket{le="1"} 1 # {trace_id="ü"} 0.5',
      'x_count 1',
      'x_sum 1',
      'x_seconds{quantile="0.5"} 1',
      'x_total{a="1"} 5 1700000000',
      '',
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
    case 'delete-line':
      body.splice(at, 1);
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

describe('fast path, OpenMetrics: random expositions and edits of them are accepted and equal, or declined', () => {
  for (const format of FORMATS) {
    it(`random valid expositions written as OpenMetrics (${format})`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(validExposition, fc.array(edit, { maxLength: 3 }), (exposition, edits) => {
          const body = edits.reduce(applyEdit, serializeOpenMetrics(exposition));
          if (expectEquivalent([om(body), om(body), om(body)], format)) accepted++;
        }),
        { numRuns: RUNS },
      );
      expect(accepted).toBeGreaterThan(RUNS / 10);
    });
    it(`random loose expositions (clashing names, odd values) written as OpenMetrics (${format})`, () => {
      fc.assert(
        fc.property(looseExposition, looseExposition, fc.array(edit, { maxLength: 2 }), (x, y, edits) => {
          const a = serializeOpenMetrics(x);
          const b = edits.reduce(applyEdit, serializeOpenMetrics(y));
          expectEquivalent([om(a), om(b)], format);
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    });
    it(`edits of the fixture (${format})`, () => {
      let accepted = 0;
      const seed = fixture('openmetrics-app.om.txt');
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
          const body = edits.reduce(applyEdit, seed);
          if (expectEquivalent([om(seed), om(body)], format)) accepted++;
        }),
        { numRuns: Math.ceil(RUNS / 4) },
      );
      expect(accepted).toBeGreaterThan(RUNS / 40);
    });
  }
});
