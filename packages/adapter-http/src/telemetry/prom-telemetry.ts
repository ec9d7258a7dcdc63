/**
 * promfetcher's own metrics on prom-client, in a registry of its own (never the global one, STYLE.md §4).
 *
 * The original's four series (spec §3.7), with its labels, so existing dashboards and the BOSH alert keep
 * working — and now they move (§5 item 7):
 * - `promfetch_metric_fetch_failed_total{organization_id,space_id,app_id,organization_name,space_name,app_name,index,instance_id}`
 * - `promfetch_metric_fetch_success_total{organization_id,space_id,app_id,organization_name,space_name,app_name}`
 * - `promfetch_latest_time_scrape_route`: seconds since the last route table update, computed when scraped
 *   (+Inf before the first update);
 * - `promfetch_scrape_route_failed_total`: failed gorouter polls.
 * Ours: `promfetcher_route_source_stale` (1 while the route source reports its table stale: gorouter polls
 * older than `gorouter_staleness_bound`, NATS disconnected; read from the source when scraped, 0 before
 * `watchRouteSource`),
 * `promfetcher_http_request_duration_seconds{route,method,status}`,
 * `promfetcher_target_scrape_duration_seconds{kind,outcome}` (outcome = `ok` or the failure reason),
 * `promfetcher_merge_dropped_samples_total{cause}`, `promfetcher_route_table_endpoints`,
 * `promfetcher_route_messages_applied_total{kind}`, `promfetcher_route_messages_rejected_total{reason}`,
 * `promfetcher_route_endpoints_pruned_total`, `promfetcher_single_flight_leader_total` (fan-outs started by
 * single-flight), `promfetcher_single_flight_shared_total` (requests answered by another request's fan-out),
 * `promfetcher_single_flight_bypassed_total` (requests whose deadline ended before the in-flight fan-out's),
 * `promfetcher_inbound_auth_refused_total{status}`, and prom-client's default process metrics.
 */
import type { AppLabels, Clock, FetchTelemetry, ScrapeFailureReason } from '@promfetcher/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The route sources' telemetry (adapter-gorouter's `RouteSourceTelemetry`, matched structurally). */
export interface RouteTelemetry {
  pollFailed(source: string): void;
  tableUpdated(source: string, atMs: number, endpoints: number): void;
  messageRejected(reason: string): void;
  messageApplied(kind: 'register' | 'unregister'): void;
  pruned(count: number): void;
}

/** What the staleness gauge reads from the route source (a `RouteSource`, matched structurally). */
export interface RouteStalenessSource {
  status(): { readonly stale: boolean };
}

/** What the HTTP layer reports, and how it reads the exposition for `/metrics`. */
export interface HttpTelemetry {
  requestObserved(route: string, method: string, status: number, seconds: number): void;
  exposition(): Promise<{ readonly contentType: string; readonly body: string }>;
  /** A single-flight decision (optional: fakes may leave it out). */
  singleFlight?(role: SingleFlightRole): void;
  /** A request refused by inbound authentication, 401 or 403 (optional). */
  inboundRefused?(status: number): void;
}

/** `leader`: started a fan-out; `shared`: waited for one; `bypassed`: its deadline was too short to wait. */
export type SingleFlightRole = 'leader' | 'shared' | 'bypassed';

export interface PromTelemetryOptions {
  readonly clock: Clock;
  /** prom-client's process metrics (`process_*`, `nodejs_*`). Default true. */
  readonly defaultMetrics?: boolean;
}

const APP_LABELS = [
  'organization_id',
  'space_id',
  'app_id',
  'organization_name',
  'space_name',
  'app_name',
] as const;

const REQUEST_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const realClock: Clock = { now: () => Date.now() };

export class PromTelemetry implements FetchTelemetry, RouteTelemetry, HttpTelemetry {
  readonly registry: Registry;
  private readonly fetchFailed: Counter<(typeof APP_LABELS)[number] | 'index' | 'instance_id'>;
  private readonly fetchSuccess: Counter<(typeof APP_LABELS)[number]>;
  private readonly routeFailed: Counter;
  private readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  private readonly targetDuration: Histogram<'kind' | 'outcome'>;
  private readonly dropped: Counter<'cause'>;
  private readonly tableSize: Gauge;
  private readonly applied: Counter<'kind'>;
  private readonly rejected: Counter<'reason'>;
  private readonly prunedTotal: Counter;
  private readonly singleFlightCounters: Readonly<Record<SingleFlightRole, Counter>>;
  private readonly refused: Counter<'status'>;
  private lastRouteUpdateMs: number | undefined;
  private routeSource: RouteStalenessSource | undefined;

  constructor(options: Partial<PromTelemetryOptions> = {}) {
    const clock = options.clock ?? realClock;
    const registers = [(this.registry = new Registry())];
    this.fetchFailed = new Counter({
      name: 'promfetch_metric_fetch_failed_total',
      help: 'Instance or exporter scrapes that failed.',
      labelNames: [...APP_LABELS, 'index', 'instance_id'],
      registers,
    });
    this.fetchSuccess = new Counter({
      name: 'promfetch_metric_fetch_success_total',
      help: 'Instance or exporter scrapes that succeeded.',
      labelNames: [...APP_LABELS],
      registers,
    });
    const lastUpdate = (): number | undefined => this.lastRouteUpdateMs;
    new Gauge({
      name: 'promfetch_latest_time_scrape_route',
      help: 'Seconds since the route table was last updated (+Inf before the first update).',
      registers,
      collect() {
        const last = lastUpdate();
        this.set(last === undefined ? Infinity : Math.max(0, (clock.now() - last) / 1000));
      },
    });
    const routeSource = (): RouteStalenessSource | undefined => this.routeSource;
    new Gauge({
      name: 'promfetcher_route_source_stale',
      help: 'Whether the route table is stale (1): gorouter polls failing past gorouter_staleness_bound, or NATS disconnected. The last good table is still served.',
      registers,
      collect() {
        this.set(routeSource()?.status().stale === true ? 1 : 0);
      },
    });
    this.routeFailed = new Counter({
      name: 'promfetch_scrape_route_failed_total',
      help: 'Route table refreshes (gorouter polls) that failed.',
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'promfetcher_http_request_duration_seconds',
      help: 'Duration of HTTP requests served, by route template, method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: REQUEST_BUCKETS_S,
      registers,
    });
    this.targetDuration = new Histogram({
      name: 'promfetcher_target_scrape_duration_seconds',
      help: 'Duration of one instance or exporter scrape, by kind and outcome (ok or the failure reason).',
      labelNames: ['kind', 'outcome'],
      buckets: REQUEST_BUCKETS_S,
      registers,
    });
    this.dropped = new Counter({
      name: 'promfetcher_merge_dropped_samples_total',
      help: 'Samples left out of merged answers, by cause.',
      labelNames: ['cause'],
      registers,
    });
    this.tableSize = new Gauge({
      name: 'promfetcher_route_table_endpoints',
      help: 'Endpoints in the route table after the last update.',
      registers,
    });
    this.applied = new Counter({
      name: 'promfetcher_route_messages_applied_total',
      help: 'NATS registry messages applied to the route table.',
      labelNames: ['kind'],
      registers,
    });
    this.rejected = new Counter({
      name: 'promfetcher_route_messages_rejected_total',
      help: 'NATS registry messages refused, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.prunedTotal = new Counter({
      name: 'promfetcher_route_endpoints_pruned_total',
      help: 'Endpoints removed from the route table because their TTL passed.',
      registers,
    });
    const singleFlightCounter = (role: SingleFlightRole, help: string): Counter =>
      new Counter({ name: `promfetcher_single_flight_${role}_total`, help, registers });
    this.singleFlightCounters = {
      leader: singleFlightCounter(
        'leader',
        'Instance fan-outs started by single-flight (one per distinct key).',
      ),
      shared: singleFlightCounter(
        'shared',
        "Metrics requests answered by another request's in-flight fan-out.",
      ),
      bypassed: singleFlightCounter(
        'bypassed',
        "Metrics requests that ran their own fan-out because their deadline ended before the in-flight one's.",
      ),
    };
    this.refused = new Counter({
      name: 'promfetcher_inbound_auth_refused_total',
      help: 'Requests refused by inbound authentication, by status (401 credentials, 403 network).',
      labelNames: ['status'],
      registers,
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  // --- FetchTelemetry ---

  targetScraped(
    app: AppLabels,
    target: { readonly kind: 'instance' | 'exporter'; readonly index?: string },
    outcome: { readonly ok: boolean; readonly reason?: ScrapeFailureReason; readonly durationMs: number },
  ): void {
    const appLabels = {
      organization_id: app.organizationId,
      space_id: app.spaceId,
      app_id: app.appId,
      organization_name: app.organizationName,
      space_name: app.spaceName,
      app_name: app.appName,
    };
    if (outcome.ok) this.fetchSuccess.inc(appLabels);
    else this.fetchFailed.inc({ ...appLabels, index: target.index ?? '', instance_id: target.index ?? '' });
    this.targetDuration.observe(
      { kind: target.kind, outcome: outcome.ok ? 'ok' : (outcome.reason ?? 'other') },
      outcome.durationMs / 1000,
    );
  }

  samplesDropped(count: number, cause: string): void {
    this.dropped.inc({ cause }, count);
  }

  // --- RouteTelemetry ---

  /**
   * The route source whose staleness `promfetcher_route_source_stale` reports, read when scraped. Set after
   * construction: the source itself is built with this telemetry.
   */
  watchRouteSource(source: RouteStalenessSource): void {
    this.routeSource = source;
  }

  pollFailed(_source: string): void {
    this.routeFailed.inc();
  }

  tableUpdated(_source: string, atMs: number, endpoints: number): void {
    if (this.lastRouteUpdateMs === undefined || atMs > this.lastRouteUpdateMs) this.lastRouteUpdateMs = atMs;
    this.tableSize.set(endpoints);
  }

  messageRejected(reason: string): void {
    this.rejected.inc({ reason });
  }

  messageApplied(kind: 'register' | 'unregister'): void {
    this.applied.inc({ kind });
  }

  pruned(count: number): void {
    this.prunedTotal.inc(count);
  }

  // --- HttpTelemetry ---

  requestObserved(route: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ route, method, status: String(status) }, seconds);
  }

  singleFlight(role: SingleFlightRole): void {
    this.singleFlightCounters[role].inc();
  }

  inboundRefused(status: number): void {
    this.refused.inc({ status: String(status) });
  }

  async exposition(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
