import { FetchAppMetrics } from '@promfetcher/core';
import type {
  Clock,
  EndpointOverrides,
  ExternalExporter,
  FetchTelemetry,
  RouteTable,
  TargetScraper,
} from '@promfetcher/core';
import { ContainerModule } from 'inversify';
import type { Logger as PinoLogger } from 'pino';
import { createApp } from '../../http/create-app.js';
import type { InboundAuthOptions } from '../../http/inbound-auth.js';
import { GotTargetScraper } from '../../scraper/got-target-scraper.js';
import { PromTelemetry } from '../../telemetry/prom-telemetry.js';
import type { Config } from '../config/config-schema.js';
import { componentLogger } from '../logging/create-logger.js';
import type { Broker } from './tokens.js';
import {
  BrokerId,
  MainAppId,
  ClockId,
  ConfigId,
  EndpointOverridesId,
  FetchAppMetricsId,
  FetchTelemetryId,
  PromTelemetryId,
  RootLoggerId,
  RouteSourceTelemetryId,
  RouteTableId,
  TargetScraperId,
  VersionId,
} from './tokens.js';

/** The instance scraper, promfetcher's own metrics and the fetch use case. */
export const httpModule = new ContainerModule(({ bind }) => {
  bind(PromTelemetryId)
    .toResolvedValue((clock: Clock) => new PromTelemetry({ clock }), [ClockId])
    .inSingletonScope();
  bind(FetchTelemetryId).toService(PromTelemetryId);
  bind(RouteSourceTelemetryId).toService(PromTelemetryId);
  bind(TargetScraperId)
    .toResolvedValue(
      (config: Config, version: string) => createScraper(config, version),
      [ConfigId, VersionId],
    )
    .inSingletonScope();
  bind(FetchAppMetricsId)
    .toResolvedValue(
      (
        config: Config,
        routes: RouteTable,
        scraper: TargetScraper,
        overrides: EndpointOverrides,
        clock: Clock,
        telemetry: FetchTelemetry,
        root: PinoLogger,
      ) =>
        new FetchAppMetrics({
          routes,
          scraper,
          overrides,
          clock,
          telemetry,
          logger: componentLogger(root, 'fetch-app-metrics'),
          options: {
            externalExporters: externalExportersFrom(config),
            accountingSeries: config.accounting_series,
          },
        }),
      [ConfigId, RouteTableId, TargetScraperId, EndpointOverridesId, ClockId, FetchTelemetryId, RootLoggerId],
    )
    .inSingletonScope();
  bind(MainAppId)
    .toResolvedValue(
      (
        config: Config,
        fetcher: FetchAppMetrics,
        routes: RouteTable,
        telemetry: PromTelemetry,
        root: PinoLogger,
        broker: Broker,
      ) =>
        createApp({
          fetcher,
          routes,
          telemetry,
          logger: componentLogger(root, 'http'),
          options: {
            baseUrl: config.base_url,
            maxScrapeTimeoutMs: config.max_scrape_timeout,
            ...(config.routes_auth === undefined ? {} : { routesAuth: config.routes_auth }),
            singleFlight: config.single_flight,
            cfLabels: config.cf_labels,
            ...(config.inbound_auth === undefined
              ? {}
              : { inboundAuth: inboundAuthFrom(config.inbound_auth) }),
          },
          ...(broker.middleware === undefined ? {} : { broker: broker.middleware }),
        }),
      [ConfigId, FetchAppMetricsId, RouteTableId, PromTelemetryId, RootLoggerId, BrokerId],
    )
    .inSingletonScope();
});

function createScraper(config: Config, version: string): GotTargetScraper {
  const { cert_chain: certChain, private_key: privateKey } = config.backends;
  return new GotTargetScraper({
    maxBodyBytes: config.max_body_size,
    maxConcurrentScrapes: config.max_concurrent_scrapes,
    maxSocketsPerHost: config.backends.max_conns,
    maxFreeSocketsPerHost: config.max_idle_conns_per_host,
    idleSocketTimeoutMs: config.idle_conn_timeout,
    keepAlive: !config.disable_keep_alives,
    skipTlsVerification: config.skip_ssl_validation,
    userAgent: `promfetcher/${version}`,
    ...(config.ca_certs === undefined ? {} : { caCerts: config.ca_certs }),
    ...(certChain === undefined || privateKey === undefined ? {} : { clientCert: { certChain, privateKey } }),
  });
}

/** `inbound_auth` in the HTTP layer's shape. */
export function inboundAuthFrom(auth: NonNullable<Config['inbound_auth']>): InboundAuthOptions {
  return { users: auth.users, networks: auth.networks, forwardCredentials: auth.forward_credentials };
}

/** `external_exporters` (spec §3.8) in core's shape: a single param value becomes a one-element list. */
export function externalExportersFrom(config: Config): ExternalExporter[] {
  return config.external_exporters.map((e) => ({
    name: e.name ?? `${e.host}${e.metrics_path}`,
    host: e.host,
    scheme: e.scheme,
    metricsPath: e.metrics_path,
    params: Object.fromEntries(
      Object.entries(e.params).map(([key, value]) => [key, typeof value === 'string' ? [value] : value]),
    ),
  }));
}
