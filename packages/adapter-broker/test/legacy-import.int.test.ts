/**
 * Replacing the Go promfetcher keeps its bindings: its `app_endpoints` rows are imported once, by every
 * store kind, and then behave like bindings made through this broker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { BindingStore } from '@promfetcher/core';
import { openBindingStore } from '../src/open-binding-store.js';
import {
  MYSQL_URL,
  POSTGRES_URL,
  dropMysqlTables,
  dropPostgresTables,
  uniquePrefix,
} from './kit/databases.js';

const root = mkdtempSync(join(tmpdir(), 'pf-legacy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CREATE = (table: string): string =>
  `CREATE TABLE ${table} (guid VARCHAR(255) NOT NULL PRIMARY KEY, app_guid VARCHAR(255), endpoint VARCHAR(255))`;
const INSERT = (table: string, rows: ReadonlyArray<readonly [string, string, string]>): string =>
  `INSERT INTO ${table} (guid, app_guid, endpoint) VALUES ${rows.map((r) => `('${r.join("', '")}')`).join(', ')}`;

interface Kind {
  readonly name: string;
  /** Runs SQL on the database of the store; returns the db_conn and a cleanup. */
  setup(
    prefix: string,
  ): Promise<{ dbConn: string; exec(sql: string): Promise<void>; cleanup(): Promise<void> }>;
}

const kinds: Kind[] = [
  {
    name: 'SQLite',
    setup: async (prefix) => {
      const file = join(root, `${prefix}.db`);
      return {
        dbConn: `sqlite://${file}`,
        exec: async (sql) => {
          const db = new Database(file);
          db.exec(sql);
          db.close();
        },
        cleanup: async () => undefined,
      };
    },
  },
  {
    name: 'PostgreSQL',
    setup: async (prefix) => {
      const exec = async (sql: string): Promise<void> => {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(sql).finally(() => client.end());
      };
      return {
        dbConn: POSTGRES_URL,
        exec,
        cleanup: async () => {
          await exec(`DROP TABLE IF EXISTS ${prefix}app_endpoints`);
          await dropPostgresTables(prefix);
        },
      };
    },
  },
  {
    name: 'MariaDB',
    setup: async (prefix) => {
      const exec = async (sql: string): Promise<void> => {
        const conn = await mysql.createConnection({
          host: '127.0.0.1',
          port: 3306,
          user: 'root',
          database: 'test',
        });
        await conn.query(sql).finally(() => conn.end());
      };
      return {
        dbConn: MYSQL_URL,
        exec,
        cleanup: async () => {
          await exec(`DROP TABLE IF EXISTS ${prefix}app_endpoints`);
          await dropMysqlTables(prefix);
        },
      };
    },
  },
];

describe.each(kinds)('import of the Go app_endpoints table ($name)', (kind) => {
  it('imports every row once, as bindings without a known instance', async () => {
    const prefix = uniquePrefix();
    const legacyTable = `${prefix}app_endpoints`;
    const db = await kind.setup(prefix);
    const stores: BindingStore[] = [];
    try {
      await db.exec(CREATE(legacyTable));
      await db.exec(
        INSERT(legacyTable, [
          ['g-1', 'app-a', '/actuator/prometheus'],
          ['g-2', '', ''],
          ['g-3', 'app-b', '/b'],
        ]),
      );
      const open = async (): Promise<BindingStore> => {
        const store = await openBindingStore(db.dbConn, { dataDir: root, tablePrefix: prefix, legacyTable });
        stores.push(store);
        return store;
      };
      const store = await open();
      expect(await store.endpointsByApp()).toEqual(
        new Map([
          ['app-a', '/actuator/prometheus'],
          ['app-b', '/b'],
        ]),
      );
      expect(await store.getBinding('g-2')).toEqual({
        bindingId: 'g-2',
        instanceId: '',
        serviceId: '',
        planId: '',
        appGuid: undefined,
        endpoint: undefined,
        parameters: {},
      });
      // Once: rows the Go broker writes later, or a second start, import nothing more.
      await db.exec(INSERT(legacyTable, [['g-4', 'app-c', '/c']]));
      await store.deleteBinding('g-3');
      await store.close();
      const again = await open();
      expect(await again.endpointFor('app-c')).toBeUndefined();
      expect(await again.getBinding('g-3')).toBeUndefined();
      expect(await again.endpointFor('app-a')).toBe('/actuator/prometheus');
    } finally {
      for (const s of stores) await s.close();
      await db.cleanup();
    }
  });
});
