import {
  GorouterRoutesPoller,
  gorouterPollerOptionsFrom,
  NatsRouteSubscriber,
  natsSubscriberOptionsFrom,
} from '@promfetcher/adapter-gorouter';
import type { RouteSourceTelemetry } from '@promfetcher/adapter-gorouter';
import { RouteTable } from '@promfetcher/core';
import type { Clock, RouteSource } from '@promfetcher/core';
import { ContainerModule } from 'inversify';
import type { Logger as PinoLogger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { componentLogger } from '../logging/create-logger.js';
import {
  ClockId,
  ConfigId,
  RootLoggerId,
  RouteSourceId,
  RouteSourceTelemetryId,
  RouteTableId,
} from './tokens.js';

/** The route table and the one route source the config chooses (`nats:` block or `gorouters:` list). */
export const gorouterModule = new ContainerModule(({ bind }) => {
  bind(RouteTableId)
    .toResolvedValue(
      (config: Config, clock: Clock) =>
        new RouteTable(clock, { maxTtlSeconds: Math.round(config.droplet_stale_threshold / 1_000) }),
      [ConfigId, ClockId],
    )
    .inSingletonScope();
  bind(RouteSourceId)
    .toResolvedValue(
      (config: Config, table: RouteTable, clock: Clock, root: PinoLogger, telemetry: RouteSourceTelemetry) =>
        createRouteSource(config, table, clock, root, telemetry),
      [ConfigId, RouteTableId, ClockId, RootLoggerId, RouteSourceTelemetryId],
    )
    .inSingletonScope();
});

function createRouteSource(
  config: Config,
  table: RouteTable,
  clock: Clock,
  root: PinoLogger,
  telemetry: RouteSourceTelemetry,
): RouteSource {
  const natsOptions = natsSubscriberOptionsFrom(config);
  if (natsOptions !== undefined) {
    return new NatsRouteSubscriber({
      table,
      clock,
      telemetry,
      logger: componentLogger(root, 'nats-route-subscriber'),
      options: natsOptions,
    });
  }
  return new GorouterRoutesPoller({
    table,
    clock,
    telemetry,
    logger: componentLogger(root, 'gorouter-routes-poller'),
    options: {
      ...gorouterPollerOptionsFrom(config),
      maxTtlSeconds: Math.round(config.droplet_stale_threshold / 1_000),
    },
  });
}
