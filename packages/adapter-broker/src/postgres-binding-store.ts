import pg from 'pg';
import type { Logger } from '@promfetcher/core';
import { silentLogger } from '@promfetcher/core';
import type { PoolOptions } from './pool-options.js';
import { CONNECT_TIMEOUT_MS, DEFAULT_POOL_OPTIONS, POOL_IDLE_TIMEOUT_MS } from './pool-options.js';
import { SqlBindingStore, migrateBindingSchema } from './sql-binding-store.js';
import type { Migration, SqlDriver, SqlStatement, SqlValue } from './sql-driver.js';
import { bindingTables } from './sql-driver.js';
import { storeError } from './store-error.js';

export interface PostgresBindingStoreOptions {
  readonly pool?: PoolOptions;
  readonly tablePrefix?: string;
  /** The Go promfetcher's table to import once (default `app_endpoints`); `false`: none. */
  readonly legacyTable?: string | false;
  readonly logger?: Logger;
}

/**
 * The binding store in PostgreSQL (a `pg` Pool). Several promfetcher processes may share the database: the
 * schema migration runs under a transaction-scoped advisory lock, creations are `INSERT … ON CONFLICT DO
 * NOTHING` on unique keys.
 */
export class PostgresBindingStore extends SqlBindingStore {
  /** Connects, then creates or migrates the schema. `connectionString` is a `postgres://` URL. */
  static async open(
    connectionString: string,
    options: PostgresBindingStoreOptions = {},
  ): Promise<PostgresBindingStore> {
    const tables = bindingTables(options.tablePrefix);
    const sizing = options.pool ?? DEFAULT_POOL_OPTIONS;
    const logger = options.logger ?? silentLogger;
    const secret = passwordOf(connectionString);
    const pool = new pg.Pool({
      connectionString,
      max: sizing.maxOpen,
      idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      maxLifetimeSeconds: Math.ceil(sizing.maxLifeMs / 1000),
    });
    // An idle client's connection can die (server restart); pg emits it here, and an unhandled 'error'
    // event would end the process.
    pool.on('error', (err) =>
      logger.warn(
        { err: storeError('postgres', 'idle connection', err, secret) },
        'postgres connection lost',
      ),
    );
    const driver = new PostgresDriver(pool, secret);
    try {
      await migrateBindingSchema(driver, 'postgres', tables, options.legacyTable);
    } catch (cause) {
      await pool.end().catch(() => undefined);
      throw storeError('postgres', 'connect and migrate', cause, secret);
    }
    return new PostgresBindingStore(driver, tables);
  }
}

class PostgresDriver implements SqlDriver {
  readonly label = 'postgres';

  constructor(
    private readonly pool: pg.Pool,
    readonly secret: string | undefined,
  ) {}

  async query<R>(sql: string, params: readonly SqlValue[]): Promise<R[]> {
    const result = await this.pool.query(numbered(sql), [...params]);
    return result.rows as R[];
  }

  async execute(sql: string, params: readonly SqlValue[]): Promise<number> {
    return (await this.pool.query(numbered(sql), [...params])).rowCount ?? 0;
  }

  async insertIfAbsent(sql: string, params: readonly SqlValue[]): Promise<boolean> {
    return (await this.execute(`${sql} ON CONFLICT DO NOTHING`, params)) > 0;
  }

  async batch(statements: readonly SqlStatement[]): Promise<number[]> {
    return this.inTransaction(async (client) => {
      const counts: number[] = [];
      for (const s of statements)
        counts.push((await client.query(numbered(s.sql), [...s.params])).rowCount ?? 0);
      return counts;
    });
  }

  async migrate(versionTable: string, migrations: readonly Migration[]): Promise<void> {
    await this.inTransaction(async (client) => {
      // Serialises concurrent starts; released at COMMIT/ROLLBACK. DDL is transactional in PostgreSQL.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`promfetcher:${versionTable}`]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${versionTable} (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ v: number | null }>(
        `SELECT MAX(version) AS v FROM ${versionTable}`,
      );
      const current = rows[0]?.v ?? 0;
      for (const m of migrations) {
        if (m.version <= current) continue;
        for (const statement of m.statements) await client.query(statement);
        await client.query(`INSERT INTO ${versionTable} (version) VALUES ($1)`, [m.version]);
      }
    });
  }

  async tableExists(name: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>(
      'SELECT to_regclass($1) IS NOT NULL AS found',
      [name],
    );
    return rows[0]?.found === true;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (cause) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw cause;
    } finally {
      client.release();
    }
  }
}

/** `?` → `$1`, `$2`, … (our SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

function passwordOf(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
