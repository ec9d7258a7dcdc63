// @promfetcher/adapter-broker — the Open Service Broker API and the binding stores.
export { createBrokerRouter } from './broker-router.js';
export type { BrokerRouterDeps } from './broker-router.js';
export { brokerRouterConfigFrom } from './broker-router-config.js';
export type { BrokerRouterConfig } from './broker-router-config.js';
export { createBrokerApp, BROKER_PREFIX } from './broker-app.js';
export { brokerCatalog, SERVICE_NAME, PLAN_NAME } from './catalog.js';
export { OsbError } from './osb-error.js';
export type { OsbErrorCode } from './osb-error.js';
export { validateEndpointPath } from './endpoint-path.js';
export { CachedEndpointOverrides } from './cached-endpoint-overrides.js';
export type { CachedEndpointOverridesOptions } from './cached-endpoint-overrides.js';
export { openBindingStore } from './open-binding-store.js';
export type { OpenBindingStoreOptions } from './open-binding-store.js';
export { parseDbConn, redactDbConn, DEFAULT_SQLITE_FILE } from './db-conn.js';
export type { DbConn, MysqlConnection } from './db-conn.js';
export { SqlBindingStore } from './sql-binding-store.js';
export { SqliteBindingStore, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-binding-store.js';
export type { SqliteBindingStoreOptions } from './sqlite-binding-store.js';
export { PostgresBindingStore } from './postgres-binding-store.js';
export type { PostgresBindingStoreOptions } from './postgres-binding-store.js';
export { MysqlBindingStore } from './mysql-binding-store.js';
export type { MysqlBindingStoreOptions } from './mysql-binding-store.js';
export { DEFAULT_TABLE_PREFIX } from './sql-driver.js';
export type { PoolOptions } from './pool-options.js';
export { DEFAULT_POOL_OPTIONS } from './pool-options.js';
export { parseGoDuration } from './go-duration.js';
export {
  brokerConfigSchema,
  brokerConfigShape,
  brokerBlockSchema,
  poolOptionsFrom,
  DEFAULT_BROKER_SERVICE_ID,
  DEFAULT_BROKER_PLAN_ID,
  DEFAULT_SQL_CNX_MAX_OPEN,
  DEFAULT_SQL_CNX_MAX_IDLE,
  DEFAULT_SQL_CNX_MAX_LIFE_MS,
  DEFAULT_ENDPOINT_CACHE_TTL_MS,
} from './config.js';
export type { BrokerConfig, BrokerBlockConfig } from './config.js';
