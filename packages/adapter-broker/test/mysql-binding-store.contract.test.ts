import type { BindingStore } from '@promfetcher/core';
import { bindingStoreContract } from '@promfetcher/core/testing';
import { parseDbConn } from '../src/db-conn.js';
import { MysqlBindingStore } from '../src/mysql-binding-store.js';
import { MYSQL_URL, dropMysqlTables, uniquePrefix } from './kit/databases.js';

const conn = parseDbConn(MYSQL_URL, { dataDir: '/nonexistent' });
if (conn.kind !== 'mysql') throw new Error('MYSQL_URL is not a mysql URL');

bindingStoreContract('MysqlBindingStore (MariaDB)', async () => {
  const tablePrefix = uniquePrefix();
  const handles: BindingStore[] = [await MysqlBindingStore.open(conn.connection, { tablePrefix })];
  return {
    store: handles[0] as BindingStore,
    reopen: async () => {
      const again = await MysqlBindingStore.open(conn.connection, { tablePrefix });
      handles.push(again);
      return again;
    },
    dispose: async () => {
      for (const h of handles) await h.close();
      await dropMysqlTables(tablePrefix);
    },
  };
});
