/**
 * @promfetcher/core — the public API. This is the only re-exporting file (STYLE.md §1).
 * Sections are owned by areas of the core; keep each section's exports together.
 */

// --- foundations ---
export type { Result } from './result.js';
export { ok, err } from './result.js';
export {
  PromfetcherError,
  ExpositionParseError,
  AppNotFoundError,
  BadRequestError,
  ScrapeError,
  ConfigError,
  SCRAPE_FAILURE_REASONS,
} from './errors.js';
export type { PromfetcherErrorCode, ScrapeFailureReason } from './errors.js';

// --- ports ---
export type { Clock } from './ports/clock.js';
export type { Logger } from './ports/logger.js';
export { silentLogger } from './ports/logger.js';
export type { RouteRegistry, RouteLookup } from './ports/route-registry.js';
export type { RouteSource, RouteSourceStatus } from './ports/route-source.js';
export type { TargetScraper, ScrapeTarget, ScrapeRequest, ScrapedBody } from './ports/target-scraper.js';
export type { EndpointOverrides } from './ports/endpoint-overrides.js';
export type { FetchTelemetry, AppLabels } from './ports/telemetry.js';
export { noopTelemetry } from './ports/telemetry.js';

// --- exposition: model ---
export type {
  MetricType,
  Label,
  Labels,
  Exemplar,
  Sample,
  MetricFamily,
  Exposition,
  ExpositionFormat,
} from './exposition/model.js';
export { METRIC_TYPES } from './exposition/model.js';

// --- exposition: parsers ---
export { parseText } from './exposition/parse-text.js';
export { parseOpenMetrics } from './exposition/parse-openmetrics.js';
export { parseExposition, createExpositionParser, formatOfContentType } from './exposition/parse.js';
export type { ExpositionParser } from './exposition/parse.js';

// --- exposition: serializers and negotiation ---
export { serializeText } from './exposition/serialize-text.js';
export { serializeOpenMetrics } from './exposition/serialize-openmetrics.js';
export { serialize } from './exposition/serialize.js';
export type { SerializeOptions, SerializeDrop, SerializeDropReason } from './exposition/serialize-common.js';
export { negotiateFormat, contentTypeFor } from './exposition/negotiate.js';
export { separateClashingCounters } from './exposition/separate-clashing-counters.js';

// --- relabel and merge ---
export { CF_LABEL_NAMES, cfLabelsFor } from './relabel/cf-labels.js';
export type { CfIdentity } from './relabel/cf-labels.js';
export { relabel } from './relabel/relabel.js';
export { mergeExpositions } from './merge/merge-expositions.js';
export type { MergeConflict, MergeResult } from './merge/merge-expositions.js';

// --- routes ---
export type { Endpoint, RouteEntry } from './routes/endpoint.js';
export { routeKey, lookupRouteKey, hostOfRouteKey } from './routes/route-key.js';
export { RouteTable, DEFAULT_MAX_TTL_SECONDS, compareEntries } from './routes/route-table.js';
export type { RouteTableOptions } from './routes/route-table.js';
export {
  parseAppRef,
  parseAppQuery,
  resolveApp,
  describeAppRef,
  MAX_APP_REF_LENGTH,
} from './routes/app-ref.js';
export type { AppRef } from './routes/app-ref.js';

// --- use cases ---
export { validateMetricPath, DEFAULT_METRIC_PATH, MAX_METRIC_PATH_LENGTH } from './use-cases/metric-path.js';
export {
  FetchAppMetrics,
  DEFAULT_FETCH_OPTIONS,
  DEFAULT_MAX_CONCURRENCY_PER_REQUEST,
} from './use-cases/fetch-app-metrics.js';
export { SCRAPE_ACCEPT, headersFor, loggableUrl, stripUserinfo } from './use-cases/scrape-headers.js';
export type {
  FetchOptions,
  FetchAppMetricsDeps,
  FetchInput,
  FetchOutput,
  TargetReport,
} from './use-cases/fetch-app-metrics.js';
export {
  discoverApps,
  parseDiscoveryFilter,
  MAX_DISCOVERY_REGEX_LENGTH,
} from './use-cases/discover-targets.js';
export type {
  DiscoveryFilter,
  DiscoveryQuery,
  DiscoveredApp,
  DiscoveredInstance,
} from './use-cases/discover-targets.js';
export { exporterUrl, renderParam } from './use-cases/external-exporter.js';
export {
  infoLabelsFor,
  parseLabelMode,
  LABEL_MODES,
  DEFAULT_LABEL_MODE,
  INSTANCE_INFO_FAMILY,
  INSTANCE_INFO_METRIC,
  INFO_SAMPLE_LABEL_NAMES,
} from './use-cases/info-labels.js';
export type { LabelMode, InfoLabels } from './use-cases/info-labels.js';
export type { ExternalExporter, ExporterApp } from './use-cases/external-exporter.js';
export {
  SCRAPE_ERROR_METRIC,
  INSTANCE_UP_METRIC,
  SCRAPE_DURATION_METRIC,
  INSTANCES_EXPECTED_METRIC,
  INSTANCES_SCRAPED_METRIC,
} from './use-cases/fetch-series.js';

// --- binding store (broker) ---
export type {
  BindingStore,
  ServiceInstance,
  ServiceBinding,
  PutOutcome,
  JsonObject,
} from './ports/binding-store.js';
export { canonicalJson, sameInstance, sameBinding } from './ports/binding-store.js';

// --- configuration helpers ---
export { parseDuration } from './config/duration.js';
