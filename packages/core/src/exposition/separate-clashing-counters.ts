/**
 * Text 0.0.4 lets a gauge `x` live beside a counter `x_total` (every Go client exposes
 * `go_memstats_alloc_bytes` and `go_memstats_alloc_bytes_total`), but in the canonical model both are
 * family `x`, and OpenMetrics forbids the pair. Such a counter is given its unsuffixed form instead:
 * family `x_total` whose samples keep their names (text writes it as `# TYPE x_total counter`, as it came;
 * OpenMetrics as `unknown x_total`), and its `x_created` samples, if any, become gauge family `x_created`.
 * No series name changes and no sample is dropped (a unit is: `x_total` cannot end with it). A counter
 * is separated when another family of the exposition is named `x` or `x_created`, and `x_total` (and
 * `x_created`, when it has such samples) is free; otherwise the clash stays, and the merge or the
 * serializer drops and reports the later family.
 */
import type { Exposition, MetricFamily, Sample } from './model.js';
import { isUnsuffixedCounter } from './serialize-common.js';

export function separateClashingCounters(exposition: Exposition): Exposition {
  const families = exposition.families;
  const names = new Map<string, number>();
  for (const f of families) names.set(f.name, (names.get(f.name) ?? 0) + 1);
  let out: MetricFamily[] | undefined;
  for (let i = 0; i < families.length; i++) {
    const f = families[i]!;
    const separated = f.type === 'counter' && !isUnsuffixedCounter(f) ? separate(f, names) : undefined;
    if (separated === undefined) {
      out?.push(f);
      continue;
    }
    out ??= families.slice(0, i);
    out.push(...separated);
  }
  return out === undefined ? exposition : { families: out };
}

function separate(f: MetricFamily, names: ReadonlyMap<string, number>): MetricFamily[] | undefined {
  const total = f.name + '_total';
  const created = f.name + '_created';
  if ((names.get(f.name) ?? 0) < 2 && !names.has(created)) return undefined;
  if (names.has(total)) return undefined;
  const totals: Sample[] = [];
  const createds: Sample[] = [];
  for (const s of f.samples) {
    if (s.name === total) totals.push(s);
    else if (s.name === created) createds.push(s);
    else return undefined; // not a well-formed counter: left to the serializer's checks
  }
  if (createds.length > 0 && names.has(created)) return undefined;
  const out: MetricFamily[] = [];
  if (totals.length > 0 || createds.length === 0) out.push(withSamples(f, total, 'counter', totals));
  if (createds.length > 0) out.push(withSamples(f, created, 'gauge', createds));
  return out;
}

function withSamples(
  f: MetricFamily,
  name: string,
  type: 'counter' | 'gauge',
  samples: Sample[],
): MetricFamily {
  const family: { -readonly [K in keyof MetricFamily]: MetricFamily[K] } = { name, type, samples };
  if (f.help !== undefined) family.help = f.help;
  return family;
}
