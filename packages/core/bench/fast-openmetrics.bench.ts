/**
 * The fast path's OpenMetrics reader against the model path, for one app of 20 instances each answering a
 * realistic ~2000-series OpenMetrics body (counters with `_created`, histograms and summaries with
 * `_created`, gauges with units, an info family, as client_java / client_python / Micrometer write them).
 * Prints the median CPU time of reading, relabelling, merging and writing all 20 bodies, both ways; checks
 * first that both give the same bytes.
 *
 *   pnpm exec tsx packages/core/bench/fast-openmetrics.bench.ts [--runs 30] [--format openmetrics|text]
 *     [--values canonical|python]   (python: every value written as `123.0`, re-rendered by the fast path)
 */
import type { Exposition } from '../src/exposition/model.js';
import { parseOpenMetrics } from '../src/exposition/parse-openmetrics.js';
import { serializeOpenMetrics } from '../src/exposition/serialize-openmetrics.js';
import { serializeText } from '../src/exposition/serialize-text.js';
import { mergeAndWrite } from '../src/fast/merge-write.js';
import { scanOpenMetricsPart } from '../src/fast/openmetrics-part.js';
import type { FastPart, OutputFormat } from '../src/fast/text-part.js';
import { mergeExpositions } from '../src/merge/merge-expositions.js';
import { cfLabelsFor } from '../src/relabel/cf-labels.js';
import { relabel } from '../src/relabel/relabel.js';
import { arg, benchIdentity, cpuMs, median, METHODS, rng, URIS } from './bench-kit.js';

const INSTANCES = 20;
const RUNS = Number(arg('runs', '30'));
const FORMAT = arg('format', 'openmetrics') as OutputFormat;
const PYTHON = arg('values', 'canonical') === 'python';

const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1.0', '2.5', '5.0', '10.0', '+Inf'];

/** One instance's OpenMetrics body, ~2000 series. */
function instanceBody(instance: number): string {
  const r = rng(instance + 7);
  const v = (x: number): string => (PYTHON && Number.isInteger(x) ? x.toFixed(1) : String(x));
  const created = 1706940000.123;
  const lines: string[] = [];
  let series = 0;
  lines.push(
    '# TYPE app_build info',
    '# HELP app_build Build information.',
    'app_build_info{branch="main",revision="7c1e9a2",version="2.14.3"} 1',
  );
  series++;
  // Two histograms: 40 + 20 label sets × 15 lines = 900.
  for (const [name, sets] of [
    ['http_server_requests_seconds', 40],
    ['http_client_requests_seconds', 20],
  ] as const) {
    lines.push(
      `# TYPE ${name} histogram`,
      `# UNIT ${name} seconds`,
      `# HELP ${name} Duration of HTTP requests.`,
    );
    for (let k = 0; k < sets; k++) {
      const labels = `method="${METHODS[k % 4]}",uri="${URIS[k % 5]}",status="${200 + (k >> 2) * 100}"`;
      let acc = 0;
      for (const le of BUCKETS) {
        acc += Math.floor(r() * 50);
        lines.push(`${name}_bucket{${labels},le="${le}"} ${v(acc)}`);
      }
      lines.push(
        `${name}_count{${labels}} ${v(acc)}`,
        `${name}_sum{${labels}} ${Math.round(r() * 1e6) / 1000}`,
        `${name}_created{${labels}} ${created}`,
      );
      series += 15;
    }
  }
  // A summary: 10 label sets × 6 = 60.
  lines.push('# TYPE jvm_gc_pause_seconds summary', '# HELP jvm_gc_pause_seconds Time spent in GC pause.');
  for (let k = 0; k < 10; k++) {
    const labels = `action="end of minor GC",cause="G1 Evacuation Pause ${k}"`;
    for (const q of ['0.5', '0.95', '0.99'])
      lines.push(`jvm_gc_pause_seconds{${labels},quantile="${q}"} ${Math.round(r() * 1e4) / 1e4}`);
    lines.push(
      `jvm_gc_pause_seconds_count{${labels}} ${v(Math.floor(r() * 1e4))}`,
      `jvm_gc_pause_seconds_sum{${labels}} ${Math.round(r() * 1e5) / 1e3}`,
      `jvm_gc_pause_seconds_created{${labels}} ${created}`,
    );
    series += 6;
  }
  // 30 counters × 10 label sets × 2 lines = 600.
  for (let c = 0; c < 30; c++) {
    const name = `app_events_${c}`;
    lines.push(`# TYPE ${name} counter`, `# HELP ${name} Events of kind ${c}.`);
    for (let k = 0; k < 10; k++) {
      const labels = `kind="k${k}",area="zone-${k % 3}"`;
      lines.push(
        `${name}_total{${labels}} ${v(Math.floor(r() * 1e6))}`,
        `${name}_created{${labels}} ${created}`,
      );
    }
    series += 20;
  }
  // Gauges: 40 × 10 labelled, then unlabelled ones up to 2000 series.
  for (let g = 0; g < 40; g++) {
    const name = `jvm_memory_pool_${g}_bytes`;
    lines.push(`# TYPE ${name} gauge`, `# UNIT ${name} bytes`, `# HELP ${name} Memory of pool ${g}.`);
    for (let k = 0; k < 10; k++)
      lines.push(`${name}{area="heap",id="G1 Region ${k}"} ${v(Math.floor(r() * 1e9))}`);
    series += 10;
  }
  for (let g = 0; series < 2000; g++, series++) {
    lines.push(`# TYPE process_stat_${g} gauge`, `process_stat_${g} ${Math.round(r() * 1e5) / 100}`);
  }
  return lines.join('\n') + '\n# EOF\n';
}

const bodies = Array.from({ length: INSTANCES }, (_, i) => instanceBody(i));
const bytes = bodies.map((b) => Buffer.from(b, 'utf8'));
const cfs = bodies.map((_, i) => cfLabelsFor(benchIdentity(i)));

function fast(): Buffer {
  const parts: FastPart[] = bytes.map((b, i) => {
    const part = scanOpenMetricsPart(b, cfs[i]!, FORMAT);
    if ('declined' in part) throw new Error(`fast path declined: ${part.declined}`);
    return part;
  });
  const merged = mergeAndWrite(parts, FORMAT);
  if ('declined' in merged) throw new Error(`fast path declined: ${merged.declined}`);
  return merged.bytes;
}

function model(): string {
  const parts: Exposition[] = bodies.map((b, i) => {
    const r = parseOpenMetrics(b);
    if (!r.ok) throw r.error;
    return relabel(r.value, cfs[i]!);
  });
  const merged = mergeExpositions(parts);
  return FORMAT === 'text' ? serializeText(merged.exposition) : serializeOpenMetrics(merged.exposition);
}

if (fast().toString('utf8') !== model()) throw new Error('the fast path and the model path disagree');
const fastMs: number[] = [];
const modelMs: number[] = [];
for (let run = 0; run < RUNS + 5; run++) {
  let c0 = process.cpuUsage();
  fast();
  const f = cpuMs(c0);
  c0 = process.cpuUsage();
  model();
  const m = cpuMs(c0);
  if (run < 5) continue; // warm-up
  fastMs.push(f);
  modelMs.push(m);
}
const inputBytes = bytes.reduce((n, b) => n + b.length, 0);
const lines = bodies[0]!.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
console.log(
  `${INSTANCES} OpenMetrics bodies of ${lines} sample lines (${(inputBytes / 1e6).toFixed(2)} MB in), ` +
    `${FORMAT} out, values ${PYTHON ? 'python-style' : 'canonical'}, ${RUNS} runs, Node ${process.version}`,
);
console.log(`  fast path   median ${median(fastMs).toFixed(1)} ms CPU`);
console.log(
  `  model path  median ${median(modelMs).toFixed(1)} ms CPU (parseOpenMetrics+relabel+merge+serialize)`,
);
