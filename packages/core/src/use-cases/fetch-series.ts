/**
 * promfetcher's own series in a merged answer: what failed (never as free text: `reason` is one of
 * SCRAPE_FAILURE_REASONS) and, optionally, per-target and per-app accounting. All gauges.
 */
import type { ScrapeFailureReason } from '../errors.js';
import type { Exposition, Label, Labels, MetricFamily, Sample } from '../exposition/model.js';

export interface TargetOutcome {
  /** The target's identity labels: its CF labels, plus `exporter` for an exporter. */
  readonly labels: Labels;
  readonly kind: 'instance' | 'exporter';
  /** The app the target belongs to (its `app_id`), for the per-app counts. */
  readonly appKey: string;
  /** The six app labels, for the per-app series. */
  readonly appLabels: Labels;
  readonly ok: boolean;
  readonly reason?: ScrapeFailureReason;
  readonly durationMs: number;
}

export const SCRAPE_ERROR_METRIC = 'promfetcher_scrape_error';
export const INSTANCE_UP_METRIC = 'promfetcher_instance_up';
export const SCRAPE_DURATION_METRIC = 'promfetcher_instance_scrape_duration_seconds';
export const INSTANCES_EXPECTED_METRIC = 'promfetcher_app_instances_expected';
export const INSTANCES_SCRAPED_METRIC = 'promfetcher_app_instances_scraped';

function gauge(name: string, help: string, samples: Sample[]): MetricFamily | undefined {
  return samples.length === 0 ? undefined : { name, type: 'gauge', help, samples };
}

/** The synthetic exposition for a fetch's outcomes (families without samples are left out). */
export function fetchSeries(outcomes: readonly TargetOutcome[], accounting: boolean): Exposition {
  const errors: Sample[] = [];
  for (const o of outcomes) {
    if (o.ok) continue;
    const reason: Label = { name: 'reason', value: o.reason ?? 'other' };
    errors.push({ name: SCRAPE_ERROR_METRIC, labels: [...o.labels, reason], value: 1 });
  }
  const families: (MetricFamily | undefined)[] = [
    gauge(SCRAPE_ERROR_METRIC, 'A target of this app could not be scraped; reason tells why.', errors),
  ];
  if (accounting) {
    const up: Sample[] = [];
    const duration: Sample[] = [];
    const apps = new Map<string, { labels: Labels; expected: number; scraped: number }>();
    for (const o of outcomes) {
      up.push({ name: INSTANCE_UP_METRIC, labels: o.labels, value: o.ok ? 1 : 0 });
      duration.push({ name: SCRAPE_DURATION_METRIC, labels: o.labels, value: o.durationMs / 1000 });
      if (o.kind !== 'instance') continue;
      let app = apps.get(o.appKey);
      if (app === undefined) {
        app = { labels: o.appLabels, expected: 0, scraped: 0 };
        apps.set(o.appKey, app);
      }
      app.expected++;
      if (o.ok) app.scraped++;
    }
    const expected: Sample[] = [];
    const scraped: Sample[] = [];
    for (const app of apps.values()) {
      expected.push({ name: INSTANCES_EXPECTED_METRIC, labels: app.labels, value: app.expected });
      scraped.push({ name: INSTANCES_SCRAPED_METRIC, labels: app.labels, value: app.scraped });
    }
    families.push(
      gauge(INSTANCE_UP_METRIC, '1 when the target was scraped and parsed, else 0.', up),
      gauge(SCRAPE_DURATION_METRIC, 'How long scraping the target took, in seconds.', duration),
      gauge(INSTANCES_EXPECTED_METRIC, 'Instances of the app found in the routing table.', expected),
      gauge(INSTANCES_SCRAPED_METRIC, 'Instances of the app scraped and parsed.', scraped),
    );
  }
  return { families: families.filter((f): f is MetricFamily => f !== undefined) };
}
