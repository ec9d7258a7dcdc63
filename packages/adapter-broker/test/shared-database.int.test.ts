/**
 * Several promfetcher processes on one PostgreSQL or MariaDB: concurrent schema creation, each other's
 * bindings seen through `CachedEndpointOverrides` once the ttl has passed, safe concurrent binds, restart.
 */
import type { BindingStore } from '@promfetcher/core';
import { PromfetcherError } from '@promfetcher/core';
import { aBinding, anInstance } from '@promfetcher/core/testing';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { CachedEndpointOverrides } from '../src/cached-endpoint-overrides.js';
import { openBindingStore } from '../src/open-binding-store.js';
import { bindingTables } from '../src/sql-driver.js';
import {
  MYSQL_URL,
  POSTGRES_URL,
  dropMysqlTables,
  dropPostgresTables,
  uniquePrefix,
} from './kit/databases.js';

interface Database {
  readonly name: string;
  readonly url: string;
  drop(prefix: string): Promise<void>;
  migrationRows(prefix: string): Promise<number[]>;
  /** A URL of this kind with a password, whose connection fails. */
  readonly failingUrlWithPassword: string;
}

const databases: Database[] = [
  {
    name: 'PostgreSQL',
    url: POSTGRES_URL,
    drop: dropPostgresTables,
    migrationRows: async (prefix) => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ version: number }>(
          `SELECT version FROM ${bindingTables(prefix).migrations} ORDER BY version`,
        );
        return rows.map((r) => r.version);
      } finally {
        await client.end();
      }
    },
    // Port 1 on loopback: connection refused.
    failingUrlWithPassword: 'postgres://postgres:Xy9-very-secret-pw@127.0.0.1:1/test',
  },
  {
    name: 'MariaDB',
    url: MYSQL_URL,
    drop: dropMysqlTables,
    migrationRows: async (prefix) => {
      const conn = await mysql.createConnection({
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        database: 'test',
      });
      try {
        const [rows] = await conn.query<mysql.RowDataPacket[]>(
          `SELECT version FROM ${bindingTables(prefix).migrations} ORDER BY version`,
        );
        return rows.map((r) => Number(r['version']));
      } finally {
        await conn.end();
      }
    },
    // root has no password: a given one is refused.
    failingUrlWithPassword: 'mysql://root:Xy9-very-secret-pw@127.0.0.1:3306/test',
  },
];

describe.each(databases)('two promfetcher processes on one $name database', (db) => {
  const prefix = uniquePrefix();
  const opened: BindingStore[] = [];
  const open = async (): Promise<BindingStore> => {
    const store = await openBindingStore(db.url, { dataDir: '/nonexistent', tablePrefix: prefix });
    opened.push(store);
    return store;
  };

  afterAll(async () => {
    for (const store of opened) await store.close();
    await db.drop(prefix);
  });

  it('creates the schema once when several processes start at the same time', async () => {
    const stores = await Promise.all(Array.from({ length: 5 }, () => open()));
    expect(stores).toHaveLength(5);
    expect(await db.migrationRows(prefix)).toEqual([1, 2]);
  });

  it("sees the other process's bindings through the endpoint cache once the ttl has passed", async () => {
    const [a, b] = [opened[0] as BindingStore, opened[1] as BindingStore];
    let nowMs = 0;
    const cacheOfB = new CachedEndpointOverrides(b, { now: () => nowMs }, { ttlMs: 5_000 });
    await a.putInstance(anInstance());
    await a.putBinding(aBinding({ bindingId: 'x-1', appGuid: 'shared-app', endpoint: '/first' }));
    expect(await cacheOfB.endpointFor('shared-app')).toBe('/first');
    await a.putBinding(aBinding({ bindingId: 'x-2', appGuid: 'shared-app', endpoint: '/second' }));
    nowMs += 4_999;
    expect(await cacheOfB.endpointFor('shared-app')).toBe('/first');
    nowMs += 1;
    expect(await cacheOfB.endpointFor('shared-app')).toBe('/first'); // starts the background read
    await cacheOfB.refresh();
    expect(await cacheOfB.endpointFor('shared-app')).toBe('/second');
    expect(await b.getBinding('x-2')).toEqual(
      aBinding({ bindingId: 'x-2', appGuid: 'shared-app', endpoint: '/second' }),
    );
  });

  it('stays consistent when both processes bind the same app concurrently', async () => {
    const [a, b] = [opened[0] as BindingStore, opened[1] as BindingStore];
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? a : b).putBinding(
          aBinding({ bindingId: `race-${i}`, appGuid: 'race-app', endpoint: `/r${i}` }),
        ),
      ),
    );
    expect(outcomes.every((o) => o === 'created')).toBe(true);
    // The same binding id from both at once: exactly one creates it.
    const same = await Promise.all(
      [a, b, a, b].map((s) =>
        s.putBinding(aBinding({ bindingId: 'dup', appGuid: 'race-app', endpoint: '/dup' })),
      ),
    );
    expect(same.sort()).toEqual(['created', 'identical', 'identical', 'identical']);
    expect(await a.endpointFor('race-app')).toBe('/dup');
    expect(await b.endpointsByApp()).toEqual(await a.endpointsByApp());
  });

  it('keeps everything across a restart of every process', async () => {
    for (const store of opened.splice(0)) await store.close();
    const restarted = await open();
    expect(await restarted.getInstance('inst-1')).toEqual(anInstance());
    expect(await restarted.endpointFor('shared-app')).toBe('/second');
    expect(await restarted.endpointFor('race-app')).toBe('/dup');
    expect(await restarted.deleteBinding('dup')).toBe(true);
    expect((await restarted.endpointsByApp()).get('race-app')).toMatch(/^\/r\d$/);
  });

  it('fails with PF_STORE and no password in the message when the database refuses the connection', async () => {
    let thrown: unknown;
    try {
      opened.push(
        await openBindingStore(db.failingUrlWithPassword, { dataDir: '/nonexistent', tablePrefix: prefix }),
      );
    } catch (e) {
      thrown = e;
    }
    expect(PromfetcherError.hasCode(thrown, 'PF_STORE')).toBe(true);
    expect((thrown as Error).message).not.toContain('very-secret');
    expect((thrown as Error).message).toMatch(/binding store: connect and migrate failed/);
  });
});
