import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aBinding } from '@promfetcher/core/testing';
import { openBindingStore } from '../src/open-binding-store.js';
import { MysqlBindingStore } from '../src/mysql-binding-store.js';
import { PostgresBindingStore } from '../src/postgres-binding-store.js';
import { SqliteBindingStore } from '../src/sqlite-binding-store.js';
import {
  MYSQL_URL,
  POSTGRES_URL,
  dropMysqlTables,
  dropPostgresTables,
  uniquePrefix,
} from './kit/databases.js';

const root = mkdtempSync(join(tmpdir(), 'pf-open-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openBindingStore', () => {
  it('without db_conn, keeps bindings in the file promfetcher.db of the data dir, across a restart', async () => {
    const dataDir = join(root, 'data', 'nested');
    const first = await openBindingStore(undefined, { dataDir });
    expect(first).toBeInstanceOf(SqliteBindingStore);
    await first.putBinding(aBinding({ endpoint: '/kept' }));
    await first.close();
    expect(existsSync(join(dataDir, 'promfetcher.db'))).toBe(true);
    const second = await openBindingStore(undefined, { dataDir });
    expect(await second.endpointFor('app-1')).toBe('/kept');
    await second.close();
  });

  it('reads sqlite:///absolute and sqlite://relative paths', async () => {
    const absolute = await openBindingStore(`sqlite://${join(root, 'abs.db')}`, { dataDir: '/nonexistent' });
    await absolute.close();
    expect(existsSync(join(root, 'abs.db'))).toBe(true);
    const relative = await openBindingStore('sqlite://rel/pf.db', { dataDir: '/nonexistent', cwd: root });
    await relative.close();
    expect(existsSync(join(root, 'rel', 'pf.db'))).toBe(true);
  });

  it('opens PostgreSQL for postgres:// and MySQL for mysql:// and mariadb://', async () => {
    const prefix = uniquePrefix();
    try {
      const pgStore = await openBindingStore(POSTGRES_URL, { dataDir: '/x', tablePrefix: prefix });
      expect(pgStore).toBeInstanceOf(PostgresBindingStore);
      await pgStore.close();
      for (const url of [MYSQL_URL, MYSQL_URL.replace('mysql:', 'mariadb:')]) {
        const store = await openBindingStore(`${url}?charset=utf8mb4&timeout=5s`, {
          dataDir: '/x',
          tablePrefix: prefix,
        });
        expect(store).toBeInstanceOf(MysqlBindingStore);
        await store.close();
      }
    } finally {
      await dropPostgresTables(prefix);
      await dropMysqlTables(prefix);
    }
  });
});
