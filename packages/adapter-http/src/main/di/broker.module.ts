import {
  CachedEndpointOverrides,
  createBrokerRouter,
  openBindingStore,
  poolOptionsFrom,
} from '@promfetcher/adapter-broker';
import type { BindingStore, Clock } from '@promfetcher/core';
import { ContainerModule } from 'inversify';
import type { Middleware } from 'koa';
import type { Logger as PinoLogger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { componentLogger } from '../logging/create-logger.js';
import { BindingStoreId, BrokerId, ClockId, ConfigId, EndpointOverridesId, RootLoggerId } from './tokens.js';
import type { Broker, InvalidatableOverrides } from './tokens.js';

/** The path the broker is served under (the registrar errand registers `<base_url>/broker`). */
export const BROKER_PATH = '/broker';

const noOverrides: InvalidatableOverrides = {
  endpointFor: async () => undefined,
  invalidate: () => undefined,
};

/**
 * The binding store named by `db_conn` (SQLite in `data_dir` by default), the scraping path's cached view of
 * it, and the OSB router under `/broker`. With `broker.enable: false` there is no store, no router (404) and
 * no overrides. The store is opened asynchronously: resolve it (and what needs it) with `getAsync`.
 */
export function createBrokerModule(config: Config): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (!config.broker.enable) {
      bind(EndpointOverridesId).toConstantValue(noOverrides);
      bind(BrokerId).toConstantValue({});
      return;
    }
    bind(BindingStoreId)
      .toResolvedValue(
        (cfg: Config, root: PinoLogger): Promise<BindingStore> =>
          openBindingStore(cfg.db_conn, {
            dataDir: cfg.data_dir,
            pool: poolOptionsFrom(cfg),
            logger: componentLogger(root, 'binding-store'),
          }),
        [ConfigId, RootLoggerId],
      )
      .inSingletonScope();
    bind(EndpointOverridesId)
      .toResolvedValue(
        (cfg: Config, store: BindingStore, clock: Clock, root: PinoLogger) =>
          new CachedEndpointOverrides(store, clock, {
            ttlMs: cfg.broker.endpoint_cache_ttl,
            logger: componentLogger(root, 'endpoint-overrides'),
          }),
        [ConfigId, BindingStoreId, ClockId, RootLoggerId],
      )
      .inSingletonScope();
    bind(BrokerId)
      .toResolvedValue(
        (cfg: Config, store: BindingStore, overrides: InvalidatableOverrides, root: PinoLogger): Broker => {
          const router = createBrokerRouter({
            store,
            overrides,
            config: cfg,
            logger: componentLogger(root, 'broker'),
            prefix: BROKER_PATH,
          });
          const routes = router.routes();
          const allowed = router.allowedMethods();
          const middleware = ((ctx: Parameters<typeof routes>[0], next: () => Promise<unknown>) =>
            routes(ctx, () => allowed(ctx as never, next))) as unknown as Middleware;
          return { middleware };
        },
        [ConfigId, BindingStoreId, EndpointOverridesId, RootLoggerId],
      )
      .inSingletonScope();
  });
}
