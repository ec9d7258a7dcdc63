/**
 * Stamps an instance's CF labels on every sample: a label the app set with the same name as one of
 * `cfLabels` is removed, then `cfLabels` are appended in their order; the app's other labels keep their
 * order before them. Exemplar labels are left as they are. Hot path: one new labels array and one new
 * sample object per sample, the `cfLabels` objects themselves are shared, nothing else is copied.
 */
import type { Exposition, Labels, MetricFamily, Sample } from '../exposition/model.js';

export function relabel(exposition: Exposition, cfLabels: Labels): Exposition {
  const m = cfLabels.length;
  if (m === 0) return exposition;
  const names = new Set<string>();
  for (const l of cfLabels) names.add(l.name);
  const families: MetricFamily[] = new Array<MetricFamily>(exposition.families.length);
  for (let f = 0; f < exposition.families.length; f++) {
    const family = exposition.families[f]!;
    const src = family.samples;
    const samples: Sample[] = new Array<Sample>(src.length);
    for (let i = 0; i < src.length; i++) {
      const s = src[i]!;
      samples[i] = withLabels(s, appendLabels(s.labels, cfLabels, names));
    }
    families[f] = { ...family, samples };
  }
  return { families };
}

function appendLabels(own: Labels, cfLabels: Labels, names: ReadonlySet<string>): Labels {
  const n = own.length;
  const m = cfLabels.length;
  let clash = false;
  for (let i = 0; i < n; i++) {
    if (names.has(own[i]!.name)) {
      clash = true;
      break;
    }
  }
  if (!clash) {
    const out = new Array<Labels[number]>(n + m);
    for (let i = 0; i < n; i++) out[i] = own[i]!;
    for (let j = 0; j < m; j++) out[n + j] = cfLabels[j]!;
    return out;
  }
  const out: Labels[number][] = [];
  for (let i = 0; i < n; i++) if (!names.has(own[i]!.name)) out.push(own[i]!);
  for (let j = 0; j < m; j++) out.push(cfLabels[j]!);
  return out;
}

function withLabels(s: Sample, labels: Labels): Sample {
  if (s.timestampMs === undefined && s.exemplar === undefined) {
    return { name: s.name, labels, value: s.value };
  }
  const out: { -readonly [K in keyof Sample]: Sample[K] } = { name: s.name, labels, value: s.value };
  if (s.timestampMs !== undefined) out.timestampMs = s.timestampMs;
  if (s.exemplar !== undefined) out.exemplar = s.exemplar;
  return out;
}
