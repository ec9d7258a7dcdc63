import { bindingStoreContract } from './contracts/binding-store.contract.js';
import { InMemoryBindingStore } from './in-memory-binding-store.js';

bindingStoreContract('InMemoryBindingStore', async () => {
  const store = new InMemoryBindingStore();
  return {
    store,
    reopen: async () => store.reopen(),
    dispose: async () => store.close(),
  };
});
