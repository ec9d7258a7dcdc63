/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;

export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** One schema version: statements run in order, inside the migration lock. */
export interface Migration {
  readonly version: number;
  readonly statements: readonly string[];
}

/**
 * The little a `SqlBindingStore` needs from a database driver. SQL is written with `?` placeholders;
 * the PostgreSQL driver rewrites them to `$n`.
 */
export interface SqlDriver {
  /** `sqlite`, `postgres` or `mysql`: names the store in error messages. */
  readonly label: string;
  query<R>(sql: string, params: readonly SqlValue[]): Promise<R[]>;
  /** Runs a statement; returns the number of affected (matched) rows. */
  execute(sql: string, params: readonly SqlValue[]): Promise<number>;
  /** Runs a plain `INSERT`; a unique-key violation is not an error but returns false. */
  insertIfAbsent(sql: string, params: readonly SqlValue[]): Promise<boolean>;
  /** Runs the statements in one transaction; returns each statement's affected row count. */
  batch(statements: readonly SqlStatement[]): Promise<number[]>;
  /**
   * Brings the schema to the last version, under a lock so that several processes starting at once
   * neither race nor fail. `versionTable` records the applied versions.
   */
  migrate(versionTable: string, migrations: readonly Migration[]): Promise<void>;
  /** True when a table of this name exists in the current database/schema. */
  tableExists(name: string): Promise<boolean>;
  close(): Promise<void>;
  /** Text that must never appear in a message (the database password), if any. */
  readonly secret: string | undefined;
}

/** Table names of one store; a prefix isolates several stores (or test runs) in one database. */
export interface BindingTables {
  readonly instances: string;
  readonly bindings: string;
  readonly migrations: string;
}

export const DEFAULT_TABLE_PREFIX = 'promfetcher_';

/** The Go promfetcher's table (gorm `AppEndpoint`: `guid`, `app_guid`, `endpoint`), imported once. */
export const LEGACY_GO_TABLE = 'app_endpoints';

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,63}$/;

/** Checks a table name that is spliced into SQL. */
export function checkTableName(name: string): string {
  if (!TABLE_NAME.test(name)) throw new TypeError(`table name "${name}" must match ${TABLE_NAME.source}`);
  return name;
}

export function bindingTables(prefix: string = DEFAULT_TABLE_PREFIX): BindingTables {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) {
    throw new TypeError(`table prefix "${prefix}" must match [a-z_][a-z0-9_]{0,40}`);
  }
  return {
    instances: `${prefix}service_instances`,
    bindings: `${prefix}service_bindings`,
    migrations: `${prefix}schema_migrations`,
  };
}
