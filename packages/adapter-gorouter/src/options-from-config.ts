import { DEFAULT_GOROUTER_STALENESS_INTERVALS } from './config.js';
import type { GorouterConfig, NatsConfig } from './config.js';
import type { GorouterRoutesPollerOptions } from './gorouter-routes-poller.js';
import type { NatsRouteSubscriberOptions } from './nats-route-subscriber.js';

/** Config slices (YAML keys, durations already in ms) → the sources' constructor options. */
/** The poller's options from its slice; the staleness bound defaults to 3 × the poll interval. */
export function gorouterPollerOptionsFrom(config: GorouterConfig): GorouterRoutesPollerOptions {
  return {
    gorouters: config.gorouters.map((g) => ({
      host: g.host,
      port: g.port,
      user: g.user,
      pass: g.pass,
      ...(g.tls === undefined
        ? {}
        : { tls: { skipVerify: g.tls.skip_verify, ...(g.tls.ca === undefined ? {} : { ca: g.tls.ca }) } }),
    })),
    pollIntervalMs: config.gorouter_poll_interval,
    requestTimeoutMs: config.gorouter_request_timeout,
    stalenessBoundMs:
      config.gorouter_staleness_bound ?? DEFAULT_GOROUTER_STALENESS_INTERVALS * config.gorouter_poll_interval,
  };
}

/** The subscriber's options from its slice, or `undefined` when there is no `nats` block. */
export function natsSubscriberOptionsFrom(config: NatsConfig): NatsRouteSubscriberOptions | undefined {
  const nats = config.nats;
  if (nats === undefined) return undefined;
  const tls = nats.tls_enabled
    ? {
        ...(nats.ca_certs === undefined ? {} : { ca: nats.ca_certs }),
        ...(nats.cert_chain === undefined ? {} : { cert: nats.cert_chain }),
        ...(nats.private_key === undefined ? {} : { key: nats.private_key }),
      }
    : undefined;
  return {
    servers: nats.hosts.map((h) => `${h.hostname.includes(':') ? `[${h.hostname}]` : h.hostname}:${h.port}`),
    ...(nats.user === undefined ? {} : { user: nats.user }),
    ...(nats.pass === undefined ? {} : { pass: nats.pass }),
    ...(tls === undefined ? {} : { tls }),
    pingIntervalMs: config.nats_client_ping_interval,
    dropletStaleThresholdMs: config.droplet_stale_threshold,
    startResponseDelayIntervalMs: config.start_response_delay_interval,
    pruneIntervalMs: config.prune_interval,
    index: config.index,
  };
}
