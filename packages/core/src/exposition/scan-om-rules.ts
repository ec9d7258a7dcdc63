/**
 * OpenMetrics 1.0 per-type rules, used by `parse-openmetrics.ts`: which sample names a family may carry,
 * which samples may hold exemplars, and the per-metric-point histogram checks (cumulative ordered buckets,
 * a `+Inf` bucket equal to `_count`, `_sum`/`_count` together, no `_sum` with negative buckets).
 * Each check returns a reason string, or `undefined` when the input is fine; the parser adds the line.
 */
import type { Labels, MetricType } from './model.js';
import { quote } from './scan-chars.js';
import { scanFloat } from './scan-number.js';

/** Sample-name suffixes per type ('' is the family name itself). */
export const OM_SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  gauge: [''],
  unknown: [''],
  stateset: [''],
  info: ['_info'],
  summary: ['', '_sum', '_count', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
};

export const OM_TYPES: ReadonlySet<string> = new Set<MetricType>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

/** The suffix of `sample` within family `family` of `type`, or undefined when it does not belong. */
export function omSuffix(family: string, type: MetricType, sample: string): string | undefined {
  if (!sample.startsWith(family)) return undefined;
  const suffix = sample.length === family.length ? '' : sample.slice(family.length);
  return OM_SUFFIXES[type].includes(suffix) ? suffix : undefined;
}

/** Counter-like samples may be neither NaN nor negative (`_gsum` may be negative). */
const NO_NAN = new Set(['_total', '_sum', '_count', '_bucket', '_gcount', '_gsum']);
const NO_NEGATIVE = new Set(['_total', '_sum', '_count', '_bucket', '_gcount']);

function labelValue(labels: Labels, name: string): string | undefined {
  for (const l of labels) if (l.name === name) return l.value;
  return undefined;
}

/** Checks a sample's labels and value against its family type. */
export function checkOmSample(
  family: string,
  type: MetricType,
  suffix: string,
  labels: Labels,
  value: number,
  hasExemplar: boolean,
): string | undefined {
  const name = family + suffix;
  if (suffix !== '' && NO_NAN.has(suffix)) {
    if (Number.isNaN(value)) return `${quote(name)} of ${type} ${quote(family)} cannot be NaN`;
    if (value < 0 && NO_NEGATIVE.has(suffix))
      return `${quote(name)} of ${type} ${quote(family)} cannot be negative`;
  }
  if (
    hasExemplar &&
    !((suffix === '_bucket' && type !== 'summary') || (suffix === '_total' && type === 'counter'))
  ) {
    return `exemplar not allowed on ${quote(name)}: only counter _total and histogram _bucket samples take exemplars`;
  }
  switch (type) {
    case 'summary': {
      if (suffix !== '') return undefined;
      const q = labelValue(labels, 'quantile');
      const qv = q === undefined ? undefined : scanFloat(q, 0, q.length);
      if (qv === undefined || !(qv >= 0 && qv <= 1)) {
        return q === undefined
          ? `summary sample ${quote(name)} without a "quantile" label`
          : `invalid quantile ${quote(q)}`;
      }
      if (value < 0) return `summary quantile value ${value} cannot be negative`;
      return undefined;
    }
    case 'histogram':
    case 'gaugehistogram': {
      if (suffix !== '_bucket') return undefined;
      const le = labelValue(labels, 'le');
      if (le === undefined) return `histogram bucket ${quote(name)} without an "le" label`;
      if (leValue(le) === undefined) return `invalid le ${quote(le)}`;
      return undefined;
    }
    case 'stateset':
      if (labelValue(labels, family) === undefined) return `stateset sample without a ${quote(family)} label`;
      if (value !== 0 && value !== 1) return `stateset value must be 0 or 1, got ${value}`;
      return undefined;
    case 'info':
      if (value !== 1) return `info value must be 1, got ${value}`;
      return undefined;
    default:
      return undefined;
  }
}

/** The numeric `le`, or undefined when it is not a number, NaN, or a non-canonical infinity (`+INF`). */
export function leValue(le: string): number | undefined {
  const v = scanFloat(le, 0, le.length);
  if (v === undefined || Number.isNaN(v)) return undefined;
  if ((v === Infinity && le !== '+Inf') || (v === -Infinity && le !== '-Inf')) return undefined;
  return v;
}

/** One histogram metric point: the run of samples with one label group and one timestamp. */
export class HistogramRun {
  active = false;
  private le: number | undefined;
  private bucketValue = 0;
  private count: number | undefined;
  private hasSum = false;
  private hasGsum = false;
  private negativeGsum = false;
  private negativeBuckets = false;

  start(): void {
    this.active = true;
    this.le = undefined;
    this.bucketValue = 0;
    this.count = undefined;
    this.hasSum = false;
    this.hasGsum = false;
    this.negativeGsum = false;
    this.negativeBuckets = false;
  }

  add(family: string, suffix: string, labels: Labels, value: number): string | undefined {
    switch (suffix) {
      case '_bucket': {
        const le = leValue(labelValue(labels, 'le') as string) as number;
        if (le < 0) this.negativeBuckets = true;
        if (this.le !== undefined && le <= this.le)
          return `buckets of ${quote(family)} out of order: le ${le} after ${this.le}`;
        if (value < this.bucketValue)
          return `bucket values of ${quote(family)} are not cumulative: ${value} after ${this.bucketValue}`;
        this.le = le;
        this.bucketValue = value;
        return undefined;
      }
      case '_count':
      case '_gcount':
        this.count = value;
        return undefined;
      case '_sum':
        this.hasSum = true;
        return undefined;
      case '_gsum':
        this.hasGsum = true;
        if (value < 0) this.negativeGsum = true;
        return undefined;
      default:
        return undefined;
    }
  }

  finish(family: string): string | undefined {
    this.active = false;
    const f = quote(family);
    if (this.le !== Infinity) return `histogram ${f} has no +Inf bucket`;
    if (this.count !== undefined && this.count !== this.bucketValue) {
      return `histogram ${f}: count ${this.count} does not match the +Inf bucket ${this.bucketValue}`;
    }
    if (this.hasSum && this.count === undefined) return `histogram ${f} has _sum without _count`;
    if (this.hasGsum && this.count === undefined) return `gaugehistogram ${f} has _gsum without _gcount`;
    if (!this.hasSum && !this.hasGsum && this.count !== undefined)
      return `histogram ${f} has a count without a sum`;
    if (this.negativeBuckets && this.hasSum) return `histogram ${f} has _sum with negative buckets`;
    if (!this.negativeBuckets && this.negativeGsum)
      return `gaugehistogram ${f} has a negative _gsum without negative buckets`;
    return undefined;
  }
}
