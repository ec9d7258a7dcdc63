import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqlBindingStore, migrateBindingSchema } from './sql-binding-store.js';
import type { Migration, SqlDriver, SqlStatement, SqlValue } from './sql-driver.js';
import { bindingTables } from './sql-driver.js';
import { storeError } from './store-error.js';

/** How long a writer waits for another process's write lock on the same file. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export interface SqliteBindingStoreOptions {
  readonly tablePrefix?: string;
  /** The Go promfetcher's table to import once (default `app_endpoints`); `false`: none. */
  readonly legacyTable?: string | false;
}

/**
 * The binding store in a SQLite file (better-sqlite3, WAL mode): the embedded default. Several processes may
 * share the file on one machine; writers wait up to `SQLITE_BUSY_TIMEOUT_MS` for each other.
 */
export class SqliteBindingStore extends SqlBindingStore {
  /** Opens (creating the file and its directory if needed) and migrates the schema. */
  static async open(path: string, options: SqliteBindingStoreOptions = {}): Promise<SqliteBindingStore> {
    const tables = bindingTables(options.tablePrefix);
    let db: Database.Database;
    try {
      mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    } catch (cause) {
      throw storeError('sqlite', `open "${path}"`, cause);
    }
    const driver = new SqliteDriver(db);
    try {
      await migrateBindingSchema(driver, 'sqlite', tables, options.legacyTable);
    } catch (cause) {
      db.close();
      throw storeError('sqlite', `migrate "${path}"`, cause);
    }
    return new SqliteBindingStore(driver, tables);
  }
}

class SqliteDriver implements SqlDriver {
  readonly label = 'sqlite';
  readonly secret = undefined;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  async query<R>(sql: string, params: readonly SqlValue[]): Promise<R[]> {
    return this.prepare(sql).all(...params) as R[];
  }

  async execute(sql: string, params: readonly SqlValue[]): Promise<number> {
    return this.prepare(sql).run(...params).changes;
  }

  async insertIfAbsent(sql: string, params: readonly SqlValue[]): Promise<boolean> {
    return this.prepare(`${sql} ON CONFLICT DO NOTHING`).run(...params).changes > 0;
  }

  async batch(statements: readonly SqlStatement[]): Promise<number[]> {
    const run = this.db.transaction(() =>
      statements.map((s) => this.prepare(s.sql).run(...s.params).changes),
    );
    return run.immediate();
  }

  async migrate(versionTable: string, migrations: readonly Migration[]): Promise<void> {
    const run = this.db.transaction(() => {
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS ${versionTable} (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`,
      );
      const row = this.db.prepare(`SELECT MAX(version) AS v FROM ${versionTable}`).get() as {
        v: number | null;
      };
      const current = row.v ?? 0;
      for (const m of migrations) {
        if (m.version <= current) continue;
        for (const statement of m.statements) this.db.exec(statement);
        this.db
          .prepare(`INSERT INTO ${versionTable} (version, applied_at) VALUES (?, ?)`)
          .run(m.version, new Date().toISOString());
      }
    });
    run.immediate();
  }

  async tableExists(name: string): Promise<boolean> {
    return (
      this.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
    );
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.db.close();
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
