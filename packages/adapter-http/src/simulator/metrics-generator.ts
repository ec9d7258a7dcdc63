/**
 * Realistic metrics for a simulated app instance: a counter, gauges, a histogram and a summary (like a
 * typical Java/Go/Node app exposes), plus `extraSeries` filler series for benchmarks. Text 0.0.4 or
 * OpenMetrics 1.0.
 */
export interface InstanceMetricsSpec {
  readonly appName: string;
  readonly instanceIndex: number;
  /** Additional counter series (in families of up to 20), for benchmark scenarios. */
  readonly extraSeries?: number;
}

export type SimFormat = 'text' | 'openmetrics';

const HTTP_ROUTES = ['/', '/api/items', '/api/orders', '/health'] as const;
const HTTP_CODES = ['200', '404', '500'] as const;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const QUANTILES = [0.5, 0.9, 0.99] as const;
const FAMILY_WIDTH = 20;

/** Deterministic pseudo-random in [0, 1) from a seed. */
function unit(seed: number): number {
  const x = Math.sin(seed * 12.9898 + 78.233) * 43_758.5453;
  return x - Math.floor(x);
}

/** Renders one scrape. `scrapeCount` makes counters grow between scrapes. */
export function renderInstanceMetrics(
  spec: InstanceMetricsSpec,
  format: SimFormat,
  scrapeCount: number,
): string {
  const om = format === 'openmetrics';
  const seed = spec.instanceIndex * 1_000 + spec.appName.length;
  const lines: string[] = [];
  const family = (name: string, type: string, help: string): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const counterName = (base: string): string => (om ? base : `${base}_total`);

  family(counterName('http_requests'), 'counter', 'HTTP requests served.');
  HTTP_ROUTES.forEach((route, r) => {
    HTTP_CODES.forEach((code, c) => {
      const base = Math.floor(unit(seed + r * 7 + c) * 1_000) * (c === 0 ? 50 : 1);
      lines.push(
        `http_requests_total{method="GET",route="${route}",code="${code}"} ${base + scrapeCount * (3 - c)}`,
      );
    });
  });

  family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.');
  lines.push(`process_resident_memory_bytes ${Math.floor(120e6 + unit(seed + scrapeCount) * 30e6)}`);
  family('app_queue_depth', 'gauge', 'Jobs waiting in the work queue.');
  lines.push(`app_queue_depth{queue="default"} ${Math.floor(unit(seed + scrapeCount + 1) * 40)}`);
  lines.push(`app_queue_depth{queue="mail"} ${Math.floor(unit(seed + scrapeCount + 2) * 5)}`);

  family('http_request_duration_seconds', 'histogram', 'HTTP request latency.');
  const total = 1_000 + scrapeCount * 10 + spec.instanceIndex * 17;
  let cumulative = 0;
  BUCKETS.forEach((le, b) => {
    cumulative = Math.min(total, cumulative + Math.floor(total * (b < 6 ? 0.15 : 0.02)));
    lines.push(`http_request_duration_seconds_bucket{le="${le}"} ${cumulative}`);
  });
  lines.push(`http_request_duration_seconds_bucket{le="+Inf"} ${total}`);
  lines.push(`http_request_duration_seconds_sum ${(total * 0.087).toFixed(3)}`);
  lines.push(`http_request_duration_seconds_count ${total}`);

  family('rpc_duration_seconds', 'summary', 'RPC latency to the database.');
  QUANTILES.forEach((q, i) =>
    lines.push(`rpc_duration_seconds{quantile="${q}"} ${(0.002 * (i + 1) ** 2).toFixed(4)}`),
  );
  lines.push(`rpc_duration_seconds_sum ${(total * 0.003).toFixed(3)}`);
  lines.push(`rpc_duration_seconds_count ${total}`);

  const extra = spec.extraSeries ?? 0;
  for (let f = 0; f * FAMILY_WIDTH < extra; f++) {
    family(counterName(`sim_family_${f}_events`), 'counter', `Synthetic counter family ${f}.`);
    for (let j = 0; j < FAMILY_WIDTH && f * FAMILY_WIDTH + j < extra; j++) {
      lines.push(`sim_family_${f}_events_total{path="/p${j}",code="200"} ${f * 31 + j + scrapeCount}`);
    }
  }
  if (om) lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** How many series `renderInstanceMetrics` writes (for scenario sizing). */
export function seriesCount(spec: InstanceMetricsSpec): number {
  return (
    HTTP_ROUTES.length * HTTP_CODES.length +
    3 +
    BUCKETS.length +
    3 +
    QUANTILES.length +
    2 +
    (spec.extraSeries ?? 0)
  );
}
