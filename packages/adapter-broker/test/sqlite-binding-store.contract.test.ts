import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BindingStore } from '@promfetcher/core';
import { bindingStoreContract } from '@promfetcher/core/testing';
import { SqliteBindingStore } from '../src/sqlite-binding-store.js';

const root = mkdtempSync(join(tmpdir(), 'pf-sqlite-contract-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
bindingStoreContract('SqliteBindingStore', async () => {
  const file = join(root, `case-${++n}`, 'promfetcher.db');
  const handles: BindingStore[] = [await SqliteBindingStore.open(file)];
  return {
    store: handles[0] as BindingStore,
    reopen: async () => {
      const again = await SqliteBindingStore.open(file);
      handles.push(again);
      return again;
    },
    dispose: async () => {
      for (const h of handles) await h.close();
    },
  };
});
