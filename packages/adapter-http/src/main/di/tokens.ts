import type { RouteSourceTelemetry } from '@promfetcher/adapter-gorouter';
import type {
  BindingStore,
  Clock,
  EndpointOverrides,
  FetchAppMetrics,
  FetchTelemetry,
  RouteSource,
  RouteTable,
  TargetScraper,
} from '@promfetcher/core';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import type { Logger as PinoLogger } from 'pino';
import type { PromTelemetry } from '../../telemetry/prom-telemetry.js';
import type { Config } from '../config/config-schema.js';
import type { ServiceIdentifier } from 'inversify';

/**
 * The container's service identifiers (STYLE.md §3): one `Symbol.for('promfetcher.<Port>')` each, typed by a
 * phantom parameter so that `container.get<T>(id)` and `toResolvedValue` factories agree on T.
 */
export type Token<T> = ServiceIdentifier<T> & { readonly __type?: T };

function token<T>(name: string): Token<T> {
  return Symbol.for(`promfetcher.${name}`) as Token<T>;
}

export const ConfigId = token<Config>('Config');
/** The package version (`--version`, the scraper's User-Agent). */
export const VersionId = token<string>('Version');
export const RootLoggerId = token<PinoLogger>('RootLogger');
export const ClockId = token<Clock>('Clock');
export const RouteTableId = token<RouteTable>('RouteTable');
export const RouteSourceId = token<RouteSource>('RouteSource');
export const RouteSourceTelemetryId = token<RouteSourceTelemetry>('RouteSourceTelemetry');
/** Resolved asynchronously (`getAsync`): opening the store connects to the database. */
export const BindingStoreId = token<BindingStore>('BindingStore');
/** The scraping path's endpoint overrides; the broker tells it about its own binds. */
export type InvalidatableOverrides = EndpointOverrides & { invalidate(): void };
export const EndpointOverridesId = token<InvalidatableOverrides>('EndpointOverrides');
/** The OSB API as Koa middleware (absent when `broker.enable` is false). */
export interface Broker {
  readonly middleware?: Middleware;
}
export const BrokerId = token<Broker>('Broker');
export const TargetScraperId = token<TargetScraper>('TargetScraper');
/** promfetcher's own metrics (prom-client, its own Registry); also bound as the two telemetry ports. */
export const PromTelemetryId = token<PromTelemetry>('PromTelemetry');
export const FetchTelemetryId = token<FetchTelemetry>('FetchTelemetry');
export const FetchAppMetricsId = token<FetchAppMetrics>('FetchAppMetrics');
/** The main listener's Koa app (the API, `/metrics`, `/routes`, `/doc`, the broker under `/broker`). */
export const MainAppId = token<Koa>('MainApp');
