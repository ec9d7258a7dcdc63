import { ManualClock } from '@promfetcher/core/testing';
import { register as globalRegistry } from 'prom-client';
import { PromTelemetry } from './prom-telemetry.js';

const app = {
  organizationId: 'o1',
  spaceId: 's1',
  appId: 'a1',
  organizationName: 'acme',
  spaceName: 'prod',
  appName: 'shop',
};

function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) return undefined;
  const raw = line.slice(series.length + 1);
  return raw === '+Inf' ? Infinity : Number(raw);
}

describe('PromTelemetry', () => {
  it('counts fetch outcomes with the original labels and times targets by outcome', async () => {
    const t = new PromTelemetry({ clock: new ManualClock(0), defaultMetrics: false });
    t.targetScraped(
      app,
      { kind: 'instance', index: '2' },
      { ok: false, reason: 'timeout', durationMs: 1500 },
    );
    t.targetScraped(app, { kind: 'instance', index: '0' }, { ok: true, durationMs: 20 });
    t.targetScraped(app, { kind: 'exporter' }, { ok: true, durationMs: 20 });
    t.samplesDropped(3, 'merge:type');
    const { body } = await t.exposition();
    expect(
      valueOf(
        body,
        'promfetch_metric_fetch_failed_total{organization_id="o1",space_id="s1",app_id="a1",organization_name="acme",space_name="prod",app_name="shop",index="2",instance_id="2"}',
      ),
    ).toBe(1);
    expect(
      valueOf(
        body,
        'promfetch_metric_fetch_success_total{organization_id="o1",space_id="s1",app_id="a1",organization_name="acme",space_name="prod",app_name="shop"}',
      ),
    ).toBe(2);
    expect(
      valueOf(body, 'promfetcher_target_scrape_duration_seconds_count{kind="instance",outcome="timeout"}'),
    ).toBe(1);
    expect(
      valueOf(body, 'promfetcher_target_scrape_duration_seconds_sum{kind="instance",outcome="timeout"}'),
    ).toBe(1.5);
    expect(valueOf(body, 'promfetcher_merge_dropped_samples_total{cause="merge:type"}')).toBe(3);
    expect(body).not.toContain('process_cpu');
  });

  it('computes seconds since the last route update at collect time (+Inf before any)', async () => {
    const clock = new ManualClock(1_000_000);
    const t = new PromTelemetry({ clock, defaultMetrics: false });
    expect(valueOf((await t.exposition()).body, 'promfetch_latest_time_scrape_route')).toBe(Infinity);
    t.tableUpdated('nats', 1_000_000, 42);
    clock.advance(7_000);
    expect(valueOf((await t.exposition()).body, 'promfetch_latest_time_scrape_route')).toBe(7);
    clock.advance(3_000);
    t.tableUpdated('poller', 995_000, 40); // older data from another source does not move it back
    const body = (await t.exposition()).body;
    expect(valueOf(body, 'promfetch_latest_time_scrape_route')).toBe(10);
    expect(valueOf(body, 'promfetcher_route_table_endpoints')).toBe(40);
  });

  it('counts route source events, in its own registry', async () => {
    const t = new PromTelemetry({ defaultMetrics: false });
    expect(valueOf((await t.exposition()).body, 'promfetch_scrape_route_failed_total')).toBe(0);
    t.pollFailed('gorouter-poller');
    t.messageApplied('register');
    t.messageRejected('invalid-json');
    t.pruned(4);
    t.pruned(0);
    const body = (await t.exposition()).body;
    expect(valueOf(body, 'promfetch_scrape_route_failed_total')).toBe(1);
    expect(valueOf(body, 'promfetcher_route_messages_applied_total{kind="register"}')).toBe(1);
    expect(valueOf(body, 'promfetcher_route_messages_rejected_total{reason="invalid-json"}')).toBe(1);
    expect(valueOf(body, 'promfetcher_route_endpoints_pruned_total')).toBe(4);
    expect(await globalRegistry.metrics()).not.toContain('promfetch');
    // two instances never clash (no global registry)
    expect(() => new PromTelemetry({ defaultMetrics: true })).not.toThrow();
    expect(() => new PromTelemetry({ defaultMetrics: true })).not.toThrow();
  });
  it('reports the route source staleness when scraped, with HELP (0 before a source is watched)', async () => {
    const t = new PromTelemetry({ defaultMetrics: false });
    const before = (await t.exposition()).body;
    expect(before).toContain('# HELP promfetcher_route_source_stale ');
    expect(before).toContain('# TYPE promfetcher_route_source_stale gauge');
    expect(valueOf(before, 'promfetcher_route_source_stale')).toBe(0);
    let stale = true;
    let reads = 0;
    t.watchRouteSource({
      status: () => {
        reads++;
        return { stale };
      },
    });
    expect(valueOf((await t.exposition()).body, 'promfetcher_route_source_stale')).toBe(1);
    stale = false;
    expect(valueOf((await t.exposition()).body, 'promfetcher_route_source_stale')).toBe(0);
    stale = true;
    expect(valueOf((await t.exposition()).body, 'promfetcher_route_source_stale')).toBe(1);
    expect(reads).toBe(3); // once per scrape, nothing cached
  });
});
