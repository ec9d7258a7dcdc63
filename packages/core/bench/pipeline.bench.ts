/**
 * The fetch hot path for one app: 20 instances × ~2000 series each (counters, gauges, histograms,
 * summaries, untyped), each body parsed, relabelled with its CF labels, all merged, then written in both
 * formats. Prints the median of each stage and of the whole, in ms.
 *
 *   pnpm exec tsx packages/core/bench/pipeline.bench.ts [--runs 40] [--format text|openmetrics]
 */
import { performance } from 'node:perf_hooks';
import type { Exposition } from '../src/exposition/model.js';
import { parseExposition } from '../src/exposition/parse.js';
import { serializeOpenMetrics } from '../src/exposition/serialize-openmetrics.js';
import { serializeText } from '../src/exposition/serialize-text.js';
import { mergeExpositions } from '../src/merge/merge-expositions.js';
import { cfLabelsFor } from '../src/relabel/cf-labels.js';
import { relabel } from '../src/relabel/relabel.js';
import { mergeAndWrite } from '../src/fast/merge-write.js';
import { scanOpenMetricsPart } from '../src/fast/openmetrics-part.js';
import { scanTextPart, type FastPart, type OutputFormat } from '../src/fast/text-part.js';
import { arg, benchIdentity, median, METHODS, rng, URIS } from './bench-kit.js';

const INSTANCES = 20;
const RUNS = Number(arg('runs', '40'));
const FORMAT = arg('format', 'text');

const STATUSES = ['200', '404'];
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10'];

/** One instance's scrape, ~2000 sample lines, written as a Spring/Micrometer app would. */
function instanceBody(instance: number, om: boolean): string {
  const r = rng(instance + 1);
  const lines: string[] = [];
  let series = 0;
  // Two histograms: 40 + 20 label sets × 13 samples = 780.
  for (const [name, sets] of [
    ['http_server_requests_seconds', 40],
    ['http_client_requests_seconds', 20],
  ] as const) {
    lines.push(`# HELP ${name} Duration of HTTP requests.`, `# TYPE ${name} histogram`);
    for (let k = 0; k < sets; k++) {
      const labels = `method="${METHODS[k % 4]}",uri="${URIS[k % 5]}",status="${STATUSES[(k >> 2) % 2]}",outcome="SUCCESS"`;
      let acc = 0;
      for (const le of [...BUCKETS, '+Inf']) {
        acc += Math.floor(r() * 50);
        lines.push(`${name}_bucket{${labels},le="${le}"} ${acc}`);
      }
      lines.push(`${name}_count{${labels}} ${acc}`, `${name}_sum{${labels}} ${(r() * 1000).toFixed(6)}`);
      series += 13;
    }
  }
  // A summary: 10 label sets × 5 = 50.
  lines.push('# HELP jvm_gc_pause_seconds Time spent in GC pause', '# TYPE jvm_gc_pause_seconds summary');
  for (let k = 0; k < 10; k++) {
    const labels = `action="end of minor GC",cause="G1 Evacuation Pause ${k}"`;
    for (const q of ['0.5', '0.95', '0.99'])
      lines.push(`jvm_gc_pause_seconds{${labels},quantile="${q}"} ${r().toFixed(4)}`);
    lines.push(
      `jvm_gc_pause_seconds_count{${labels}} ${Math.floor(r() * 1e4)}`,
      `jvm_gc_pause_seconds_sum{${labels}} ${(r() * 100).toFixed(3)}`,
    );
    series += 5;
  }
  // 30 counters × 10 series = 300.
  for (let c = 0; c < 30; c++) {
    const name = `app_events_${c}`;
    lines.push(`# HELP ${name}_total Events of kind ${c}.`, `# TYPE ${name}_total counter`);
    for (let k = 0; k < 10; k++)
      lines.push(`${name}_total{kind="k${k}",area="zone-${k % 3}"} ${Math.floor(r() * 1e6)}`);
    series += 10;
  }
  // Gauges: 60 × 10 labelled + the rest unlabelled, up to 2000 series; 50 untyped.
  for (let g = 0; g < 60; g++) {
    const name = `jvm_memory_pool_${g}_bytes`;
    lines.push(`# HELP ${name} Memory of pool ${g}.`, `# TYPE ${name} gauge`);
    for (let k = 0; k < 10; k++)
      lines.push(`${name}{area="heap",id="G1 Region ${k}"} ${Math.floor(r() * 1e9)}`);
    series += 10;
  }
  for (let u = 0; u < 50; u++) lines.push(`legacy_metric_${u}{source="batch"} ${r().toFixed(5)}`);
  series += 50;
  for (let g = 0; series < 2000; g++, series++) {
    lines.push(`# TYPE process_stat_${g} gauge`, `process_stat_${g} ${(r() * 1e3).toFixed(2)}`);
  }
  if (!om) return lines.join('\n') + '\n';
  // The same content as OpenMetrics: counters lose `_total` in TYPE/HELP, untyped becomes unknown.
  return (
    lines.map((l) => l.replace(/^# (HELP|TYPE) (app_events_\d+)_total/, '# $1 $2')).join('\n') + '\n# EOF\n'
  );
}

const om = FORMAT === 'openmetrics';
const contentType = om ? 'application/openmetrics-text; version=1.0.0' : 'text/plain; version=0.0.4';
const bodies = Array.from({ length: INSTANCES }, (_, i) => instanceBody(i, om));
if (process.env['DUMP_BODIES'])
  (await import('node:fs')).writeFileSync(process.env['DUMP_BODIES'], JSON.stringify(bodies));
const identities = bodies.map((_, i) => benchIdentity(i));

const cfs = identities.map((id) => cfLabelsFor(id));
const bodyBytes = bodies.map((b) => Buffer.from(b, 'utf8'));
const fastStages = { 'fast text': [] as number[], 'fast openmetrics': [] as number[] };
/** The fast path (src/fast): read, relabel, merge and write in one pass per format; checked equal below. */
function fastRun(format: OutputFormat): string {
  const parts: FastPart[] = bodies.map((b, i) => {
    const part = om
      ? scanOpenMetricsPart(bodyBytes[i]!, cfs[i]!, format)
      : scanTextPart(bodyBytes[i]!, cfs[i]!, format);
    if ('declined' in part) throw new Error(`fast path declined: ${part.declined}`);
    return part;
  });
  const merged = mergeAndWrite(parts, format);
  if ('declined' in merged) throw new Error(`fast path declined: ${merged.declined}`);
  return merged.bytes.toString('utf8');
}

const stages = {
  parse: [] as number[],
  relabel: [] as number[],
  merge: [] as number[],
  text: [] as number[],
  openmetrics: [] as number[],
  total: [] as number[],
  'total (cpu)': [] as number[],
};
let outputBytes = 0;
let seriesOut = 0;
for (let run = 0; run < RUNS + 5; run++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const parsed: Exposition[] = bodies.map((b) => {
    const r = parseExposition(b, contentType);
    if (!r.ok) throw r.error;
    return r.value;
  });
  const t1 = performance.now();
  const relabelled = parsed.map((x, i) => relabel(x, cfLabelsFor(identities[i]!)));
  const t2 = performance.now();
  const merged = mergeExpositions(relabelled);
  const t3 = performance.now();
  const text = serializeText(merged.exposition);
  const t4 = performance.now();
  const openMetrics = serializeOpenMetrics(merged.exposition);
  const t5 = performance.now();
  if (merged.droppedSamples !== 0) throw new Error(`unexpected drops: ${JSON.stringify(merged.conflicts)}`);
  if (run === 0) {
    // The fast path gives the model path's bytes (checked once here; fast-path.test.ts checks many inputs).
    if ((!om && fastRun('text') !== text) || fastRun('openmetrics') !== openMetrics) {
      throw new Error('the fast path and the model path disagree');
    }
  }
  if (run < 5) continue; // warm-up
  stages.parse.push(t1 - t0);
  stages.relabel.push(t2 - t1);
  stages.merge.push(t3 - t2);
  stages.text.push(t4 - t3);
  stages.openmetrics.push(t5 - t4);
  stages.total.push(t5 - t0);
  const cpu = process.cpuUsage(c0);
  stages['total (cpu)'].push((cpu.user + cpu.system) / 1000);
  outputBytes = text.length + openMetrics.length;
  seriesOut = merged.exposition.families.reduce((n, f) => n + f.samples.length, 0);
}

const inputBytes = bodies.reduce((n, b) => n + b.length, 0);
console.log(
  `pipeline (${FORMAT} input): ${INSTANCES} instances, ${seriesOut} series out, ${(inputBytes / 1e6).toFixed(2)} MB in, ` +
    `${(outputBytes / 1e6).toFixed(2)} MB out (both formats), ${RUNS} runs, Node ${process.version}`,
);
for (const [stage, xs] of Object.entries(stages))
  console.log(`  ${stage.padEnd(12)} median ${median(xs).toFixed(2)} ms`);
// The fast path in a loop of its own, so that the model path's garbage is not collected on its time.
const fastCpu = { 'fast text': [] as number[], 'fast openmetrics': [] as number[] };
for (let run = 0; run < RUNS + 5; run++) {
  for (const format of ['text', 'openmetrics'] as const) {
    if (om && format === 'text') continue;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fastRun(format);
    const t1 = performance.now();
    const cpu = process.cpuUsage(c0);
    if (run < 5) continue;
    fastStages[`fast ${format}`].push(t1 - t0);
    fastCpu[`fast ${format}`].push((cpu.user + cpu.system) / 1000);
  }
}
console.log('fast path (read + relabel + merge + write, one format), wall and cpu:');
for (const [stage, xs] of Object.entries(fastStages))
  if (xs.length > 0) {
    const cpu = fastCpu[stage as keyof typeof fastCpu];
    console.log(
      `  ${stage.padEnd(16)} median ${median(xs).toFixed(2)} ms (cpu ${median(cpu).toFixed(2)} ms)`,
    );
  }
