/** @promfetcher/adapter-http — the instance scraper, own metrics and the Koa HTTP surface. */

// --- instance scraper ---
export {
  GotTargetScraper,
  DEFAULT_GOT_TARGET_SCRAPER_OPTIONS,
  SCRAPING_MARKER_HEADER,
} from './scraper/got-target-scraper.js';
export type { GotTargetScraperOptions } from './scraper/got-target-scraper.js';
export {
  scrapeErrorFromGot,
  scrapeErrorForStatus,
  reasonOfGotError,
  BodyTooLargeError,
  RefusedRedirectError,
} from './scraper/scrape-error-from-got.js';
export { Semaphore } from './scraper/semaphore.js';
export type { Release } from './scraper/semaphore.js';

// --- telemetry ---
export { PromTelemetry } from './telemetry/prom-telemetry.js';
export type {
  PromTelemetryOptions,
  RouteTelemetry,
  HttpTelemetry,
  SingleFlightRole,
} from './telemetry/prom-telemetry.js';

// --- HTTP ---
export { createApp, DEFAULT_APP_OPTIONS } from './http/create-app.js';
export type { AppDeps, AppOptions, MetricsFetcher } from './http/create-app.js';
export { createHealthApp, HealthState } from './http/health.js';
export { startServer } from './http/start-server.js';
export type { ListenOptions, ServerHandle } from './http/start-server.js';
export { ERROR_STATUS, errorBody } from './http/error-status.js';
export { forwardHeaders } from './http/forward-headers.js';
export { scrapeDeadlineMs } from './http/scrape-deadline.js';
export { negotiateEncoding } from './http/compress.js';
export { checkBasicAuth } from './http/basic-auth.js';
export type { BasicCredentials } from './http/basic-auth.js';
export { routesDump } from './http/routes-dump.js';
export type { RouteDumpEntry } from './http/routes-dump.js';
export { docPage } from './http/doc-page.js';
export { SingleFlightFetcher } from './http/single-flight.js';
export type { SingleFlightDeps } from './http/single-flight.js';
export { InboundAuth } from './http/inbound-auth.js';
export type { InboundAuthOptions, InboundVerdict } from './http/inbound-auth.js';
export { appTargets, instanceTargets, discoveryBase } from './http/discovery.js';
export type { HttpSdGroup, DiscoveryBase } from './http/discovery.js';

// --- defaults ---
export * from './defaults.js';
