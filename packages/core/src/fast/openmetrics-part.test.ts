/**
 * The OpenMetrics reader of the fast path against the model path it replaces: for every input it accepts,
 * the very same bytes and the same merge conflicts as parseOpenMetrics → relabel → mergeExpositions →
 * serializeText / serializeOpenMetrics; for every other input (the parser's rejections included), a
 * decline. The OpenMetrics fixture must be accepted; the conformance inputs, random valid expositions
 * written as OpenMetrics and edits of them must be accepted and equal, or declined.
 */
import fc from 'fast-check';
import { parseExposition } from '../exposition/parse.js';
import { serializeOpenMetrics } from '../exposition/serialize-openmetrics.js';
import { looseExposition } from '../../test/kit/exposition-arbitraries.js';
import {
  acceptedOfRandomEdited,
  applyEdit,
  EDIT_SAMPLE_LINES,
  EDIT_VALUES,
  expectEquivalent,
  fastAnswer,
  fixture,
  FORMATS,
  lineEdit,
  OM,
  om,
  TEXT,
  type Answer,
} from '../../test/kit/fast-path-oracle.js';
import { loadFuzzSeeds } from '../../test/kit/fuzz-seeds.js';

/** FAST_PATH_RUNS=3000 FC_SEED=random explores further than CI does. */
const RUNS = Number(process.env['FAST_PATH_RUNS'] ?? '300');

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
const edit = lineEdit({
  deleteLine: true,
  values: [...EDIT_VALUES, '2', '0', '1 1700000000.5', '1 # {a="b"} 1', '1 # {} 0.5 17.25'],
  lines: [
    '# TYPE x counter',
    '# TYPE x gauge',
    '# TYPE x histogram',
    '# TYPE x_seconds summary',
    '# UNIT x_seconds seconds',
    '# HELP x some \\"help\\" \\\\ \\n',
    '# EOF',
    'x 1',
    'x 1 1700000000',
    ...EDIT_SAMPLE_LINES,
    'x_bucket{le="1"} 1 # {trace_id="ü"} 0.5',
    'x_count 1',
    'x_sum 1',
    'x_seconds{quantile="0.5"} 1',
    'x_total{a="1"} 5 1700000000',
    '',
  ],
});

describe('fast path, OpenMetrics: random expositions and edits of them are accepted and equal, or declined', () => {
  for (const format of FORMATS) {
    it(`random valid expositions written as OpenMetrics (${format})`, () => {
      const accepted = acceptedOfRandomEdited(edit, serializeOpenMetrics, om, format, RUNS);
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
      // A floor on how many edited inputs are accepted (most edits make the fixture decline or fail to parse).
      expect(accepted).toBeGreaterThan(RUNS / 80);
    });
  }
});
