import type { BindingStore } from '@promfetcher/core';
import { bindingStoreContract } from '@promfetcher/core/testing';
import { PostgresBindingStore } from '../src/postgres-binding-store.js';
import { POSTGRES_URL, dropPostgresTables, uniquePrefix } from './kit/databases.js';

bindingStoreContract('PostgresBindingStore', async () => {
  const tablePrefix = uniquePrefix();
  const handles: BindingStore[] = [await PostgresBindingStore.open(POSTGRES_URL, { tablePrefix })];
  return {
    store: handles[0] as BindingStore,
    reopen: async () => {
      const again = await PostgresBindingStore.open(POSTGRES_URL, { tablePrefix });
      handles.push(again);
      return again;
    },
    dispose: async () => {
      for (const h of handles) await h.close();
      await dropPostgresTables(tablePrefix);
    },
  };
});
