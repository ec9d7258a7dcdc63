/**
 * Parser throughput: core `parseText`, core `parseOpenMetrics` and `parse-prometheus-text-format` side by
 * side, on one generated input (~2000 series of mixed types, written in both formats) and on the fixtures.
 * Prints median MB/s. Run: `pnpm exec tsx packages/core/bench/parse.bench.ts [rounds]` (default 200).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parseOpenMetrics } from '../src/exposition/parse-openmetrics.js';
import { parseText } from '../src/exposition/parse-text.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** ~2000 series: counters, gauges, histograms and summaries with 2–5 labels; text 0.0.4 and OpenMetrics. */
function generate(): { text: string; om: string; series: number } {
  const text: string[] = [];
  const om: string[] = [];
  let series = 0;
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const both = (line: string, omLine = line): void => {
    text.push(line);
    om.push(omLine);
  };
  for (let f = 0; f < 40; f++) {
    const name = `app_requests_${f}`;
    both(
      `# HELP ${name}_total Requests handled by handler ${f}.`,
      `# HELP ${name} Requests handled by handler ${f}.`,
    );
    both(`# TYPE ${name}_total counter`, `# TYPE ${name} counter`);
    for (let i = 0; i < 20; i++, series++) {
      both(
        `${name}_total{method="${i % 2 ? 'GET' : 'POST'}",code="${200 + (i % 5)}",instance_shard="${i}"} ${Math.floor(rnd() * 1e7)}`,
      );
    }
  }
  for (let f = 0; f < 40; f++) {
    const name = `app_pool_${f}_connections`;
    both(`# HELP ${name} Connections in pool ${f}.`);
    both(`# TYPE ${name} gauge`);
    for (let i = 0; i < 15; i++, series++) {
      both(`${name}{pool="p${i}",state="${i % 3 ? 'idle' : 'active'}"} ${(rnd() * 100).toFixed(3)}`);
    }
  }
  const les = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
  for (let f = 0; f < 10; f++) {
    const name = `app_latency_${f}_seconds`;
    both(`# HELP ${name} Latency of endpoint group ${f}.`);
    both(`# TYPE ${name} histogram`);
    for (let r = 0; r < 5; r++) {
      let c = 0;
      for (const le of les) {
        c += Math.floor(rnd() * 100);
        both(`${name}_bucket{route="/api/v${r}/items",method="GET",le="${le}"} ${c}`);
        series++;
      }
      both(`${name}_sum{route="/api/v${r}/items",method="GET"} ${(rnd() * 1000).toFixed(4)}`);
      both(`${name}_count{route="/api/v${r}/items",method="GET"} ${c}`);
      series += 2;
    }
  }
  for (let f = 0; f < 10; f++) {
    const name = `app_gc_${f}_seconds`;
    both(`# HELP ${name} GC pauses.`);
    both(`# TYPE ${name} summary`);
    for (let g = 0; g < 5; g++) {
      for (const q of ['0', '0.25', '0.5', '0.75', '1']) {
        both(`${name}{gc="g${g}",quantile="${q}"} ${(rnd() / 100).toExponential(6)}`);
        series++;
      }
      both(`${name}_sum{gc="g${g}"} ${(rnd() * 10).toFixed(6)}`);
      both(`${name}_count{gc="g${g}"} ${Math.floor(rnd() * 1e5)}`);
      series += 2;
    }
  }
  om.push('# EOF');
  return { text: `${text.join('\n')}\n`, om: `${om.join('\n')}\n`, series };
}

function fixture(name: string): string {
  return readFileSync(join(fixtures, name), 'utf8');
}

function mustParse(ok: boolean, what: string): void {
  if (!ok) throw new Error(`${what} does not parse`);
}

/**
 * Interleaved sampling instead of tinybench's one-task-after-another: each round times a small batch of every
 * parser in turn, so all of them see the same machine load (the dev boxes are shared and noisy). Reports the
 * median and the best per-parse time over the rounds, and the median CPU time of this process
 * (`process.cpuUsage`), which time slices lost to other processes do not inflate.
 */
function measure(label: string, input: string, fns: Record<string, (s: string) => unknown>): void {
  const names = Object.keys(fns);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpuSamples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const batch = 5;
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const fn = fns[name] as (s: string) => unknown;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) fn(input);
      (samples[name] as number[]).push((performance.now() - t0) / batch);
      const cpu = process.cpuUsage(c0);
      (cpuSamples[name] as number[]).push((cpu.user + cpu.system) / 1000 / batch);
    }
  }
  const mb = Buffer.byteLength(input) / 1e6;
  console.log(`\n${label}: ${(mb * 1000).toFixed(1)} KB, ${ROUNDS} rounds`);
  const rates: Record<string, number> = {};
  const cpuMedians: Record<string, number> = {};
  for (const name of names) {
    const sorted = (samples[name] as number[]).sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    const best = sorted[0] as number;
    const cpuSorted = (cpuSamples[name] as number[]).sort((x, y) => x - y);
    const cpuMedian = cpuSorted[Math.floor(cpuSorted.length / 2)] as number;
    rates[name] = mb / (median / 1000);
    cpuMedians[name] = cpuMedian;
    console.log(
      `  ${name.padEnd(30)} median ${median.toFixed(3).padStart(7)} ms ${rates[name]?.toFixed(1).padStart(7)} MB/s` +
        `   (best ${best.toFixed(3)} ms, ${(mb / (best / 1000)).toFixed(1)} MB/s; CPU median ${cpuMedian.toFixed(3)} ms)`,
    );
  }
  const ref = rates['parse-prometheus-text-format'];
  const refCpu = cpuMedians['parse-prometheus-text-format'];
  if (ref === undefined || refCpu === undefined) return;
  for (const [name, rate] of Object.entries(rates)) {
    if (name !== 'parse-prometheus-text-format') {
      const cpuRatio = refCpu / (cpuMedians[name] as number);
      console.log(
        `  ${name}: ${(rate / ref).toFixed(1)}× parse-prometheus-text-format (medians; ${cpuRatio.toFixed(1)}× by CPU medians)`,
      );
    }
  }
}

const ROUNDS = Number(process.argv[2] ?? '200');
const generated = generate();
mustParse(parseText(generated.text).ok, 'generated text');
mustParse(parseOpenMetrics(generated.om).ok, 'generated OpenMetrics');
const reference = (s: string): unknown => parsePrometheusTextFormat(s);

// Warm every parser on every input first, so no measurement pays for JIT compilation.
const textInputs = [generated.text, fixture('node-exporter.prom'), fixture('spring-micrometer.prom')];
for (let i = 0; i < 300; i++) {
  for (const input of textInputs) {
    parseText(input);
    reference(input);
  }
  parseOpenMetrics(generated.om);
}

measure(`generated (${generated.series} series, text 0.0.4 / same in OpenMetrics)`, generated.text, {
  'core parseText': parseText,
  'parse-prometheus-text-format': reference,
});
measure('generated, OpenMetrics form', generated.om, { 'core parseOpenMetrics': parseOpenMetrics });
for (const name of ['node-exporter.prom', 'spring-micrometer.prom']) {
  const input = fixture(name);
  mustParse(parseText(input).ok, name);
  measure(`fixture ${name}`, input, {
    'core parseText': parseText,
    'parse-prometheus-text-format': reference,
  });
}
const omInput = fixture('openmetrics-app.om.txt');
mustParse(parseOpenMetrics(omInput).ok, 'openmetrics-app.om.txt');
measure('fixture openmetrics-app.om.txt', omInput, { 'core parseOpenMetrics': parseOpenMetrics });
