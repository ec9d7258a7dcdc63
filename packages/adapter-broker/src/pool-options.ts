/** Connection-pool sizing from `sql_cnx_max_open`, `sql_cnx_max_idle`, `sql_cnx_max_life` (milliseconds). */
export interface PoolOptions {
  readonly maxOpen: number;
  readonly maxIdle: number;
  /** 0 = connections are never recycled for age. */
  readonly maxLifeMs: number;
}

export const DEFAULT_POOL_OPTIONS: PoolOptions = { maxOpen: 10, maxIdle: 5, maxLifeMs: 3_600_000 };

/** How long an unused pooled connection stays open. */
export const POOL_IDLE_TIMEOUT_MS = 60_000;
/** How long opening a connection may take. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** How long one migration waits for another process's migration lock. */
export const MIGRATION_LOCK_TIMEOUT_S = 60;
