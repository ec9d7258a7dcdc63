/**
 * @promfetcher/adapter-gorouter — the two route sources: `GorouterRoutesPoller` (gorouter `GET /routes`) and
 * `NatsRouteSubscriber` (NATS `router.register` / `router.unregister`), their config slices and telemetry port.
 */
export {
  DEFAULT_GOROUTER_POLL_INTERVAL_MS,
  DEFAULT_GOROUTER_REQUEST_TIMEOUT_MS,
  DEFAULT_GOROUTER_STALENESS_INTERVALS,
  DEFAULT_DROPLET_STALE_THRESHOLD_MS,
  DEFAULT_START_RESPONSE_DELAY_INTERVAL_MS,
  DEFAULT_NATS_CLIENT_PING_INTERVAL_MS,
  DEFAULT_PRUNE_INTERVAL_MS,
  DEFAULT_INDEX,
  DEFAULT_NATS_PORT,
  parseDuration,
  durationSchema,
  gorouterSchema,
  gorouterTlsSchema,
  gorouterConfigShape,
  gorouterConfigSchema,
  natsHostSchema,
  natsBlockSchema,
  natsConfigShape,
  natsConfigSchema,
} from './config.js';
export { gorouterPollerOptionsFrom, natsSubscriberOptionsFrom } from './options-from-config.js';
export type { GorouterConfig, GorouterEntryConfig, NatsConfig, NatsBlockConfig } from './config.js';
export { noopRouteSourceTelemetry } from './route-source-telemetry.js';
export type { RouteSourceTelemetry, MessageRejectReason } from './route-source-telemetry.js';
export {
  GorouterRoutesPoller,
  DEFAULT_GOROUTER_MAX_BODY_BYTES,
  DEFAULT_TABLE_BUILD_SLICE_MS,
} from './gorouter-routes-poller.js';
export type { GorouterRoutesPollerOptions, GorouterRoutesPollerDeps } from './gorouter-routes-poller.js';
export { fetchGorouterRoutes, gorouterRoutesUrl } from './fetch-gorouter-routes.js';
export type { GorouterTarget, FetchGorouterRoutesOptions } from './fetch-gorouter-routes.js';
export { RoutesBodyParser, parseRoutesBody } from './routes-body-parser.js';
export type { RoutesBodyEntry, RoutesBodyParserOptions } from './routes-body-parser.js';
export {
  NatsRouteSubscriber,
  DEFAULT_NATS_START_SETTLE_MS,
  DEFAULT_NATS_RECONNECT_WAIT_MS,
  SUBJECT_REGISTER,
  SUBJECT_UNREGISTER,
  SUBJECT_START,
  SUBJECT_GREET,
} from './nats-route-subscriber.js';
export type {
  NatsRouteSubscriberOptions,
  NatsRouteSubscriberDeps,
  RouterStartMessage,
} from './nats-route-subscriber.js';
export { decodeRegistryMessage } from './decode-registry-message.js';
export type { RegistryMessage, DecodeResult } from './decode-registry-message.js';
