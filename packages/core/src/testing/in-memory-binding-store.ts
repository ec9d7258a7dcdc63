import { PromfetcherError } from '../errors.js';
import type {
  BindingStore,
  JsonObject,
  PutOutcome,
  ServiceBinding,
  ServiceInstance,
} from '../ports/binding-store.js';
import { sameBinding, sameInstance } from '../ports/binding-store.js';

/**
 * The binding store in memory, for tests of the broker and of the scraping path. Honest: it passes the
 * same contract suite as the SQL adapters. `close()` makes every later call fail, like a closed pool;
 * `reopen()` gives a new handle on the same data (to exercise the "restart" part of the contract).
 */
export class InMemoryBindingStore implements BindingStore {
  private closed = false;

  constructor(private readonly data: InMemoryBindingData = new InMemoryBindingData()) {}

  /** A new store on the same data, as a restarted process would see it. */
  reopen(): InMemoryBindingStore {
    return new InMemoryBindingStore(this.data);
  }

  async putInstance(instance: ServiceInstance): Promise<PutOutcome> {
    this.checkOpen();
    const existing = this.data.instances.get(instance.instanceId);
    if (existing !== undefined) return sameInstance(existing, instance) ? 'identical' : 'conflict';
    this.data.instances.set(instance.instanceId, clone(instance));
    return 'created';
  }

  async getInstance(instanceId: string): Promise<ServiceInstance | undefined> {
    this.checkOpen();
    const found = this.data.instances.get(instanceId);
    return found === undefined ? undefined : clone(found);
  }

  async updateInstance(
    instanceId: string,
    patch: { readonly parameters?: JsonObject; readonly context?: JsonObject },
  ): Promise<boolean> {
    this.checkOpen();
    const existing = this.data.instances.get(instanceId);
    if (existing === undefined) return false;
    this.data.instances.set(instanceId, clone({ ...existing, ...definedOnly(patch) }));
    return true;
  }

  async deleteInstance(instanceId: string): Promise<boolean> {
    this.checkOpen();
    if (!this.data.instances.delete(instanceId)) return false;
    for (const [id, row] of this.data.bindings)
      if (row.binding.instanceId === instanceId) this.data.bindings.delete(id);
    return true;
  }

  async putBinding(binding: ServiceBinding): Promise<PutOutcome> {
    this.checkOpen();
    const existing = this.data.bindings.get(binding.bindingId);
    if (existing !== undefined) return sameBinding(existing.binding, binding) ? 'identical' : 'conflict';
    this.data.bindings.set(binding.bindingId, { seq: ++this.data.seq, binding: clone(binding) });
    return 'created';
  }

  async getBinding(bindingId: string): Promise<ServiceBinding | undefined> {
    this.checkOpen();
    const found = this.data.bindings.get(bindingId);
    return found === undefined ? undefined : clone(found.binding);
  }

  async deleteBinding(bindingId: string): Promise<boolean> {
    this.checkOpen();
    return this.data.bindings.delete(bindingId);
  }

  async endpointsByApp(): Promise<ReadonlyMap<string, string>> {
    this.checkOpen();
    const rows = [...this.data.bindings.values()].sort((a, b) => a.seq - b.seq);
    const out = new Map<string, string>();
    for (const { binding } of rows) {
      if (binding.appGuid !== undefined && binding.endpoint !== undefined)
        out.set(binding.appGuid, binding.endpoint);
    }
    return out;
  }

  async endpointFor(appGuid: string): Promise<string | undefined> {
    return (await this.endpointsByApp()).get(appGuid);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new PromfetcherError('PF_STORE', 'in-memory binding store: used after close()');
  }
}

/** The shared state behind one or more `InMemoryBindingStore` handles. */
export class InMemoryBindingData {
  readonly instances = new Map<string, ServiceInstance>();
  readonly bindings = new Map<string, { readonly seq: number; readonly binding: ServiceBinding }>();
  seq = 0;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
