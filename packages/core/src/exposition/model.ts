/**
 * The exposition model shared by both parsers and both serializers.
 *
 * Canonical form (the OpenMetrics view): a family's `name` is the OpenMetrics family name, and each sample
 * carries its full sample name.
 * - counter: family `x`, samples `x_total` (and `x_created`). A text 0.0.4 counter named `x_total` is read as
 *   family `x`; a text counter whose name does not end in `_total` keeps its name as family and sample name
 *   (an "unsuffixed counter"; the OpenMetrics serializer writes it as `unknown` so series names never change).
 * - histogram: `x_bucket{le}`, `x_count`, `x_sum`, `x_created`; gaugehistogram: `x_bucket{le}`, `x_gcount`,
 *   `x_gsum`; summary: `x{quantile}`, `x_count`, `x_sum`, `x_created`; info: `x_info`; stateset: `x{x="s"}`.
 * - text `untyped` and OpenMetrics `unknown` are both `unknown`.
 */
export type MetricType =
  'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

export const METRIC_TYPES: readonly MetricType[] = [
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
];

export interface Label {
  readonly name: string;
  /** Decoded (unescaped) value. */
  readonly value: string;
}

/** Labels in exposition order. Names are unique within one sample. */
export type Labels = readonly Label[];

export interface Exemplar {
  readonly labels: Labels;
  readonly value: number;
  /** Seconds since the epoch, as OpenMetrics writes it. */
  readonly timestamp?: number;
}

export interface Sample {
  /** Full sample name, e.g. `http_requests_total`, `latency_bucket`. */
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
  /** Milliseconds since the epoch (may be fractional when read from OpenMetrics). */
  readonly timestampMs?: number;
  readonly exemplar?: Exemplar;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  /** Decoded help text; undefined when the exposition had no HELP. */
  readonly help?: string;
  readonly unit?: string;
  readonly samples: readonly Sample[];
}

export interface Exposition {
  readonly families: readonly MetricFamily[];
}

export type ExpositionFormat = 'text-0.0.4' | 'openmetrics-1.0.0';
