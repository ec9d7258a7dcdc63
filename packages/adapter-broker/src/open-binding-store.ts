import type { BindingStore, Logger } from '@promfetcher/core';
import { parseDbConn } from './db-conn.js';
import { MysqlBindingStore } from './mysql-binding-store.js';
import type { PoolOptions } from './pool-options.js';
import { PostgresBindingStore } from './postgres-binding-store.js';
import { SqliteBindingStore } from './sqlite-binding-store.js';

export interface OpenBindingStoreOptions {
  /** Where the default SQLite file `promfetcher.db` goes when `db_conn` is absent. */
  readonly dataDir: string;
  /** Base of a relative `sqlite://path` (default: the process's working directory). */
  readonly cwd?: string;
  readonly pool?: PoolOptions;
  readonly tablePrefix?: string;
  /** The Go promfetcher's table to import once (default `app_endpoints`); `false`: none. */
  readonly legacyTable?: string | false;
  readonly logger?: Logger;
}

/**
 * Opens the binding store that `db_conn` names, creating or migrating its schema: SQLite
 * (`sqlite://relative`, `sqlite:///absolute`, or the default file when `dbConn` is undefined), PostgreSQL
 * (`postgres://`, `postgresql://`), MySQL/MariaDB (`mysql://`, `mariadb://`). Throws `ConfigError` for a bad
 * URL and a `PF_STORE` error when the database cannot be reached; neither message contains the password.
 */
export async function openBindingStore(
  dbConn: string | undefined,
  options: OpenBindingStoreOptions,
): Promise<BindingStore> {
  const conn = parseDbConn(dbConn, options);
  const common = {
    ...(options.tablePrefix === undefined ? {} : { tablePrefix: options.tablePrefix }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.legacyTable === undefined ? {} : { legacyTable: options.legacyTable }),
    ...(options.pool === undefined ? {} : { pool: options.pool }),
  };
  switch (conn.kind) {
    case 'sqlite':
      return SqliteBindingStore.open(conn.path, common);
    case 'postgres':
      return PostgresBindingStore.open(conn.connectionString, common);
    case 'mysql':
      return MysqlBindingStore.open(conn.connection, common);
  }
}
