/**
 * Family bookkeeping of the text 0.0.4 parser (`parse-text.ts` scans lines; this gathers what they yield):
 * expfmt's family lookup for sample names, the per-series grouping of summaries and histograms, and the
 * canonical families at the end.
 */
import type { Labels, MetricFamily, MetricType, Sample } from './model.js';
import { groupKey, sameGroupInOrder } from './scan-groups.js';

export const KIND_PLAIN = 0;
export const KIND_BUCKET = 1;
export const KIND_SUM = 2;
export const KIND_COUNT = 3;
/** What a sample is within its family: the family name itself, or its `_bucket`, `_sum` or `_count`. */
export type SampleKind = typeof KIND_PLAIN | typeof KIND_BUCKET | typeof KIND_SUM | typeof KIND_COUNT;

export interface TextFamily {
  /** The name as written (a counter keeps its `_total` here). */
  readonly key: string;
  /** Undefined until a TYPE line or the first sample fixes it. */
  type: MetricType | undefined;
  help: string | undefined;
  samples: Sample[];
  /** Summaries and histograms: samples per series, in order of first appearance. */
  groups: Sample[][] | undefined;
  groupIndex: Map<string, Sample[]> | undefined;
  lastLabels: Labels | undefined;
  lastGroup: Sample[] | undefined;
}

export interface Resolution {
  readonly family: TextFamily;
  readonly kind: SampleKind;
  /** The canonical sample name (a gaugehistogram's `_sum`/`_count` become `_gsum`/`_gcount`). */
  readonly sampleName: string;
}

/** TYPE keywords, lower-cased (expfmt compares them case-insensitively). A Map: no prototype keys. */
export const TEXT_TYPES: ReadonlyMap<string, MetricType> = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['untyped', 'unknown'],
  ['gaugehistogram', 'gaugehistogram'],
  ['gauge_histogram', 'gaugehistogram'],
]);

export function isGrouped(type: MetricType | undefined): boolean {
  return type === 'summary' || type === 'histogram' || type === 'gaugehistogram';
}

function isHistogram(type: MetricType | undefined): boolean {
  return type === 'histogram' || type === 'gaugehistogram';
}

export class TextFamilies {
  private readonly byKey = new Map<string, TextFamily>();
  private readonly order: TextFamily[] = [];
  /** Resolutions of sample names; cleared whenever a TYPE line or a new family could change one. */
  private readonly resolved = new Map<string, Resolution>();

  /** The family named `key`, if any. */
  get(key: string): TextFamily | undefined {
    return this.byKey.get(key);
  }

  /** The family named `key`, created (untyped, in order of appearance) when new. */
  family(key: string): TextFamily {
    let f = this.byKey.get(key);
    if (f === undefined) {
      f = {
        key,
        type: undefined,
        help: undefined,
        samples: [],
        groups: undefined,
        groupIndex: undefined,
        lastLabels: undefined,
        lastGroup: undefined,
      };
      this.byKey.set(key, f);
      this.order.push(f);
    }
    return f;
  }

  /** Sets a family's type from its TYPE line. */
  setType(f: TextFamily, type: MetricType): void {
    f.type = type;
    if (isGrouped(type)) {
      f.groups = [];
      f.groupIndex = new Map();
    }
    this.resolved.clear();
  }

  /** Forgets cached resolutions (a family was created by a comment line). */
  invalidate(): void {
    this.resolved.clear();
  }

  /** expfmt's lookup: the exact name, else the summary/histogram the suffix belongs to, else a new family. */
  resolve(name: string): Resolution {
    const known = this.resolved.get(name);
    if (known !== undefined) return known;
    let f = this.byKey.get(name);
    let kind: SampleKind = KIND_PLAIN;
    let sampleName = name;
    if (f === undefined) {
      let base: TextFamily | undefined;
      if (name.endsWith('_count')) {
        base = this.byKey.get(name.slice(0, -6));
        kind = KIND_COUNT;
      } else if (name.endsWith('_sum')) {
        base = this.byKey.get(name.slice(0, -4));
        kind = KIND_SUM;
      } else if (name.endsWith('_bucket')) {
        base = this.byKey.get(name.slice(0, -7));
        if (base !== undefined && !isHistogram(base.type)) base = undefined;
        kind = KIND_BUCKET;
      } else if (name.endsWith('_gcount') || name.endsWith('_gsum')) {
        base = this.byKey.get(name.slice(0, name.lastIndexOf('_')));
        if (base !== undefined && base.type !== 'gaugehistogram') base = undefined;
        kind = name.endsWith('_gsum') ? KIND_SUM : KIND_COUNT;
      }
      if (base !== undefined && isGrouped(base.type)) {
        f = base;
        if (base.type === 'gaugehistogram' && kind !== KIND_BUCKET) {
          sampleName = base.key + (kind === KIND_SUM ? '_gsum' : '_gcount');
        }
      } else {
        f = this.family(name);
        kind = KIND_PLAIN;
      }
    }
    const resolution: Resolution = { family: f, kind, sampleName };
    this.resolved.set(name, resolution);
    return resolution;
  }

  /** Adds a summary/histogram sample to its series group (all labels but `quantile`/`le`). */
  addGrouped(f: TextFamily, sample: Sample): void {
    const labels = sample.labels;
    const skip = f.type === 'summary' ? 'quantile' : 'le';
    if (f.lastLabels !== undefined && sameGroupInOrder(f.lastLabels, labels, skip)) {
      (f.lastGroup as Sample[]).push(sample);
    } else {
      const key = groupKey(labels, skip);
      const index = f.groupIndex as Map<string, Sample[]>;
      let group = index.get(key);
      if (group === undefined) {
        group = [];
        index.set(key, group);
        (f.groups as Sample[][]).push(group);
      }
      group.push(sample);
      f.lastGroup = group;
    }
    f.lastLabels = labels;
  }

  /** The canonical families, in order of first appearance; families without samples are dropped. */
  build(): MetricFamily[] {
    const families: MetricFamily[] = [];
    for (const f of this.order) {
      const samples = f.groups === undefined ? f.samples : flatten(f.groups);
      if (samples.length === 0) continue;
      const type = f.type ?? 'unknown';
      const name =
        type === 'counter' && f.key.length > 6 && f.key.endsWith('_total') ? f.key.slice(0, -6) : f.key;
      families.push(f.help === undefined ? { name, type, samples } : { name, type, help: f.help, samples });
    }
    return families;
  }
}

function flatten(groups: readonly Sample[][]): Sample[] {
  if (groups.length === 1) return groups[0] as Sample[];
  const out: Sample[] = [];
  for (const g of groups) for (const x of g) out.push(x);
  return out;
}
