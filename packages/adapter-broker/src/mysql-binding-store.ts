import mysql from 'mysql2/promise';
import type { Logger } from '@promfetcher/core';
import { silentLogger } from '@promfetcher/core';
import type { MysqlConnection } from './db-conn.js';
import type { PoolOptions } from './pool-options.js';
import {
  CONNECT_TIMEOUT_MS,
  DEFAULT_POOL_OPTIONS,
  MIGRATION_LOCK_TIMEOUT_S,
  POOL_IDLE_TIMEOUT_MS,
} from './pool-options.js';
import { SqlBindingStore, migrateBindingSchema } from './sql-binding-store.js';
import type { Migration, SqlDriver, SqlStatement, SqlValue } from './sql-driver.js';
import { bindingTables } from './sql-driver.js';
import { storeError } from './store-error.js';

const ER_DUP_ENTRY = 1062;

export interface MysqlBindingStoreOptions {
  readonly pool?: PoolOptions;
  readonly tablePrefix?: string;
  /** The Go promfetcher's table to import once (default `app_endpoints`); `false`: none. */
  readonly legacyTable?: string | false;
  readonly logger?: Logger;
}

/**
 * The binding store in MySQL or MariaDB (a `mysql2/promise` pool). The schema migration runs under a named
 * lock (`GET_LOCK`), so several processes may start at once; creations are inserts guarded by unique keys
 * (a duplicate-key error means "already there"). Tables use `utf8mb4_bin`: ids compare case-sensitively.
 * `sql_cnx_max_life` has no mysql2 equivalent and is not applied (idle connections close after
 * `POOL_IDLE_TIMEOUT_MS`).
 */
export class MysqlBindingStore extends SqlBindingStore {
  static async open(
    connection: MysqlConnection,
    options: MysqlBindingStoreOptions = {},
  ): Promise<MysqlBindingStore> {
    const tables = bindingTables(options.tablePrefix);
    const sizing = options.pool ?? DEFAULT_POOL_OPTIONS;
    const logger = options.logger ?? silentLogger;
    const pool = mysql.createPool({
      host: connection.host,
      port: connection.port,
      user: connection.user,
      ...(connection.password === undefined ? {} : { password: connection.password }),
      database: connection.database,
      charset: connection.charset ?? 'utf8mb4',
      ...(connection.timezone === undefined ? {} : { timezone: connection.timezone }),
      ...(connection.ssl === undefined ? {} : { ssl: { ...connection.ssl } }),
      connectTimeout: connection.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      connectionLimit: sizing.maxOpen,
      maxIdle: Math.min(sizing.maxIdle, sizing.maxOpen),
      idleTimeout: POOL_IDLE_TIMEOUT_MS,
      enableKeepAlive: true,
    });
    const secret = connection.password;
    pool.on('connection', (conn) => {
      conn.on('error', (err) =>
        logger.warn({ err: storeError('mysql', 'connection', err, secret) }, 'mysql connection lost'),
      );
    });
    const driver = new MysqlDriver(pool, secret, connection.database);
    try {
      await migrateBindingSchema(driver, 'mysql', tables, options.legacyTable);
    } catch (cause) {
      await pool.end().catch(() => undefined);
      throw storeError('mysql', 'connect and migrate', cause, secret);
    }
    return new MysqlBindingStore(driver, tables);
  }
}

class MysqlDriver implements SqlDriver {
  readonly label = 'mysql';

  constructor(
    private readonly pool: mysql.Pool,
    readonly secret: string | undefined,
    private readonly database: string,
  ) {}

  async query<R>(sql: string, params: readonly SqlValue[]): Promise<R[]> {
    const [rows] = await this.pool.query(sql, [...params]);
    return rows as R[];
  }

  async execute(sql: string, params: readonly SqlValue[]): Promise<number> {
    const [result] = await this.pool.query<mysql.ResultSetHeader>(sql, [...params]);
    return result.affectedRows;
  }

  async insertIfAbsent(sql: string, params: readonly SqlValue[]): Promise<boolean> {
    try {
      return (await this.execute(sql, params)) > 0;
    } catch (cause) {
      if ((cause as { errno?: number }).errno === ER_DUP_ENTRY) return false;
      throw cause;
    }
  }

  async batch(statements: readonly SqlStatement[]): Promise<number[]> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const counts: number[] = [];
      for (const s of statements) {
        const [result] = await conn.query<mysql.ResultSetHeader>(s.sql, [...s.params]);
        counts.push(result.affectedRows);
      }
      await conn.commit();
      return counts;
    } catch (cause) {
      // The original error is what matters; a failed rollback ends with the connection anyway.
      await conn.rollback().catch(() => undefined);
      throw cause;
    } finally {
      conn.release();
    }
  }

  async migrate(versionTable: string, migrations: readonly Migration[]): Promise<void> {
    const conn = await this.pool.getConnection();
    const lockName = `promfetcher:${this.database}.${versionTable}`.slice(0, 64);
    try {
      const [locked] = await conn.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [
        lockName,
        MIGRATION_LOCK_TIMEOUT_S,
      ]);
      if (locked[0]?.['got'] !== 1)
        throw new Error(
          `could not take the migration lock "${lockName}" within ${MIGRATION_LOCK_TIMEOUT_S} s`,
        );
      try {
        // MySQL DDL commits implicitly: the named lock, not a transaction, keeps concurrent starts apart.
        await conn.query(
          `CREATE TABLE IF NOT EXISTS ${versionTable} (version INT NOT NULL PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB`,
        );
        const [rows] = await conn.query<mysql.RowDataPacket[]>(
          `SELECT MAX(version) AS v FROM ${versionTable}`,
        );
        const current = Number(rows[0]?.['v'] ?? 0);
        for (const m of migrations) {
          if (m.version <= current) continue;
          for (const statement of m.statements) await conn.query(statement);
          await conn.query(`INSERT INTO ${versionTable} (version) VALUES (?)`, [m.version]);
        }
      } finally {
        await conn.query('SELECT RELEASE_LOCK(?)', [lockName]);
      }
    } finally {
      conn.release();
    }
  }

  async tableExists(name: string): Promise<boolean> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      [name],
    );
    return rows.length > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
