import mysql from 'mysql2/promise';
import pg from 'pg';
import { bindingTables } from '../../src/sql-driver.js';

/** The local test servers (`.ci/run` starts them): PostgreSQL with trust auth, MariaDB root without password. */
export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';

let counter = 0;

/** A table prefix no other run or test uses, so that tests are isolated inside one shared database. */
export function uniquePrefix(): string {
  return `t${process.pid}_${Date.now().toString(36)}_${++counter}_`;
}

/** Drops the tables of one prefix. */
export async function dropPostgresTables(prefix: string): Promise<void> {
  const t = bindingTables(prefix);
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${t.bindings}, ${t.instances}, ${t.migrations}`);
  } finally {
    await client.end();
  }
}

export async function dropMysqlTables(prefix: string): Promise<void> {
  const t = bindingTables(prefix);
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    database: 'test',
  });
  try {
    await conn.query(`DROP TABLE IF EXISTS ${t.bindings}, ${t.instances}, ${t.migrations}`);
  } finally {
    await conn.end();
  }
}

/** Names of tables with this prefix still in the database (to check that cleanup works). */
export async function postgresTablesWithPrefix(prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND starts_with(tablename, $1)',
      [prefix],
    );
    return rows.map((r) => r.tablename);
  } finally {
    await client.end();
  }
}
