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

// --- exposition: serializers and negotiation ---

// --- relabel and merge ---

// --- routes ---
export type { Endpoint, RouteEntry } from './routes/endpoint.js';

// --- use cases ---

// --- binding store (broker) ---
