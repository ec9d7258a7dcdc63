import type { BindingStore, ServiceBinding, ServiceInstance } from '../../ports/binding-store.js';

/** What the binding-store contract suite drives; one per test, on empty data. */
export interface BindingStoreSubject {
  readonly store: BindingStore;
  /**
   * A new handle on the same data, opened after `store.close()` (a process restart). Absent when the
   * implementation cannot persist; the persistence test then checks nothing.
   */
  reopen?(): Promise<BindingStore>;
  /** Closes every handle the subject opened and removes its data (tables, files). */
  dispose(): Promise<void>;
}

export function anInstance(overrides: Partial<ServiceInstance> = {}): ServiceInstance {
  return {
    instanceId: 'inst-1',
    serviceId: 'svc',
    planId: 'plan',
    organizationGuid: 'org-1',
    spaceGuid: 'space-1',
    parameters: {},
    context: { platform: 'cloudfoundry' },
    ...overrides,
  };
}

export function aBinding(overrides: Partial<ServiceBinding> = {}): ServiceBinding {
  return {
    bindingId: 'bind-1',
    instanceId: 'inst-1',
    serviceId: 'svc',
    planId: 'plan',
    appGuid: 'app-1',
    endpoint: '/actuator/prometheus',
    parameters: { endpoint: '/actuator/prometheus' },
    ...overrides,
  };
}

/**
 * The behaviour every `BindingStore` must have (STYLE.md §8): core runs it on `InMemoryBindingStore`, and
 * adapter-broker on SQLite, PostgreSQL and MySQL/MariaDB. Uses jest's globals (`describe`, `it`, `expect`).
 */
export function bindingStoreContract(name: string, makeSubject: () => Promise<BindingStoreSubject>): void {
  describe(`BindingStore contract: ${name}`, () => {
    let subject: BindingStoreSubject;
    let store: BindingStore;

    beforeEach(async () => {
      subject = await makeSubject();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    describe('instances', () => {
      it('creates, then answers identical for the same attributes (context aside) and conflict otherwise', async () => {
        expect(await store.putInstance(anInstance())).toBe('created');
        expect(await store.putInstance(anInstance({ context: { instance_name: 'renamed' } }))).toBe(
          'identical',
        );
        expect(await store.putInstance(anInstance({ planId: 'other' }))).toBe('conflict');
        expect(await store.putInstance(anInstance({ serviceId: 'other' }))).toBe('conflict');
        expect(await store.putInstance(anInstance({ organizationGuid: 'o2' }))).toBe('conflict');
        expect(await store.putInstance(anInstance({ spaceGuid: 's2' }))).toBe('conflict');
        expect(await store.putInstance(anInstance({ parameters: { a: 1 } }))).toBe('conflict');
        expect(await store.getInstance('inst-1')).toEqual(anInstance());
      });

      it('compares parameters as JSON values, whatever the key order', async () => {
        const params = { b: [1, { y: 2, x: 'é' }], a: { n: null, t: true } };
        expect(await store.putInstance(anInstance({ parameters: params }))).toBe('created');
        const reordered = { a: { t: true, n: null }, b: [1, { x: 'é', y: 2 }] };
        expect(await store.putInstance(anInstance({ parameters: reordered }))).toBe('identical');
        expect((await store.getInstance('inst-1'))?.parameters).toEqual(params);
      });

      it('answers undefined for an unknown instance', async () => {
        expect(await store.getInstance('nope')).toBeUndefined();
      });

      it('updates parameters and context of an existing instance only', async () => {
        expect(await store.updateInstance('inst-1', { parameters: { a: 1 } })).toBe(false);
        expect(await store.getInstance('inst-1')).toBeUndefined();
        await store.putInstance(anInstance());
        expect(await store.updateInstance('inst-1', { parameters: { a: 1 } })).toBe(true);
        expect(await store.getInstance('inst-1')).toEqual(anInstance({ parameters: { a: 1 } }));
        expect(await store.updateInstance('inst-1', { context: { c: 2 } })).toBe(true);
        expect(await store.getInstance('inst-1')).toEqual(
          anInstance({ parameters: { a: 1 }, context: { c: 2 } }),
        );
      });

      it('deletes an instance once, with its bindings', async () => {
        await store.putInstance(anInstance());
        await store.putInstance(anInstance({ instanceId: 'inst-2' }));
        await store.putBinding(aBinding());
        await store.putBinding(aBinding({ bindingId: 'bind-2', instanceId: 'inst-2', appGuid: 'app-2' }));
        expect(await store.deleteInstance('inst-1')).toBe(true);
        expect(await store.deleteInstance('inst-1')).toBe(false);
        expect(await store.getInstance('inst-1')).toBeUndefined();
        expect(await store.getBinding('bind-1')).toBeUndefined();
        expect(await store.getBinding('bind-2')).toBeDefined();
        expect(await store.endpointsByApp()).toEqual(new Map([['app-2', '/actuator/prometheus']]));
      });

      it('creates exactly one instance when the same provision arrives concurrently', async () => {
        const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.putInstance(anInstance())));
        expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'identical')).toHaveLength(7);
      });
    });

    describe('bindings', () => {
      it('creates, then answers identical for the same attributes and conflict for any difference', async () => {
        expect(await store.putBinding(aBinding())).toBe('created');
        expect(await store.putBinding(aBinding())).toBe('identical');
        expect(await store.putBinding(aBinding({ endpoint: '/other' }))).toBe('conflict');
        expect(await store.putBinding(aBinding({ endpoint: undefined }))).toBe('conflict');
        expect(await store.putBinding(aBinding({ appGuid: 'app-2' }))).toBe('conflict');
        expect(await store.putBinding(aBinding({ appGuid: undefined }))).toBe('conflict');
        expect(await store.putBinding(aBinding({ planId: 'other' }))).toBe('conflict');
        expect(await store.putBinding(aBinding({ instanceId: 'other' }))).toBe('conflict');
        expect(
          await store.putBinding(aBinding({ parameters: { endpoint: '/actuator/prometheus', x: 1 } })),
        ).toBe('conflict');
        expect(await store.getBinding('bind-1')).toEqual(aBinding());
      });

      it('keeps a service key (no app) and a binding without endpoint as they are', async () => {
        const key = aBinding({ bindingId: 'key-1', appGuid: undefined, endpoint: undefined, parameters: {} });
        const plain = aBinding({ bindingId: 'plain', endpoint: undefined, parameters: {} });
        expect(await store.putBinding(key)).toBe('created');
        expect(await store.putBinding(plain)).toBe('created');
        expect(await store.getBinding('key-1')).toEqual(key);
        expect(await store.getBinding('plain')).toEqual(plain);
        expect(await store.putBinding(key)).toBe('identical');
        expect(await store.endpointsByApp()).toEqual(new Map());
        expect(await store.endpointFor('app-1')).toBeUndefined();
      });

      it('deletes a binding once', async () => {
        await store.putBinding(aBinding());
        expect(await store.deleteBinding('bind-1')).toBe(true);
        expect(await store.deleteBinding('bind-1')).toBe(false);
        expect(await store.getBinding('bind-1')).toBeUndefined();
        expect(await store.deleteBinding('never')).toBe(false);
      });

      it('stores long and non-ASCII values intact', async () => {
        const endpoint = `/${'a'.repeat(1500)}/métriques`;
        const b = aBinding({ bindingId: 'b-ü', appGuid: 'app-ü', endpoint, parameters: { endpoint } });
        await store.putBinding(b);
        expect(await store.getBinding('b-ü')).toEqual(b);
        expect(await store.endpointFor('app-ü')).toBe(endpoint);
      });
    });

    describe('effective endpoint per app', () => {
      it('uses the newest binding with an endpoint, and falls back to an older one when it goes', async () => {
        await store.putBinding(aBinding({ bindingId: 'a', endpoint: '/a' }));
        expect(await store.endpointFor('app-1')).toBe('/a');
        await store.putBinding(aBinding({ bindingId: 'b', endpoint: '/b' }));
        await store.putBinding(aBinding({ bindingId: 'none', endpoint: undefined, parameters: {} }));
        await store.putBinding(aBinding({ bindingId: 'other-app', appGuid: 'app-2', endpoint: '/x' }));
        expect(await store.endpointFor('app-1')).toBe('/b');
        expect(await store.endpointsByApp()).toEqual(
          new Map([
            ['app-1', '/b'],
            ['app-2', '/x'],
          ]),
        );
        expect(await store.deleteBinding('b')).toBe(true);
        expect(await store.endpointFor('app-1')).toBe('/a');
        await store.putBinding(aBinding({ bindingId: 'c', endpoint: '/c' }));
        expect(await store.deleteBinding('a')).toBe(true);
        expect(await store.endpointFor('app-1')).toBe('/c');
        expect(await store.deleteBinding('c')).toBe(true);
        expect(await store.endpointFor('app-1')).toBeUndefined();
        expect(await store.endpointsByApp()).toEqual(new Map([['app-2', '/x']]));
        expect(await store.endpointFor('unknown-app')).toBeUndefined();
      });

      it('stays consistent when many binds of the same app run concurrently', async () => {
        const n = 12;
        const binds = Array.from({ length: n }, (_, i) =>
          aBinding({ bindingId: `c-${i}`, endpoint: `/p${i}` }),
        );
        const outcomes = await Promise.all(binds.map((b) => store.putBinding(b)));
        expect(outcomes).toEqual(Array.from({ length: n }, () => 'created'));
        const winner = await store.endpointFor('app-1');
        expect(binds.map((b) => b.endpoint)).toContain(winner);
        expect((await store.endpointsByApp()).get('app-1')).toBe(winner);
        // Unbinding every other binding leaves the remaining one in charge.
        const survivor = binds.find((b) => b.endpoint !== winner);
        await Promise.all(binds.filter((b) => b !== survivor).map((b) => store.deleteBinding(b.bindingId)));
        expect(await store.endpointFor('app-1')).toBe(survivor?.endpoint);
      });

      it('creates a binding exactly once when the same bind arrives concurrently', async () => {
        const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.putBinding(aBinding())));
        expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'identical')).toHaveLength(7);
        const mixed = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            store.putBinding(aBinding({ bindingId: 'race', endpoint: `/r${i}` })),
          ),
        );
        expect(mixed.filter((o) => o === 'created')).toHaveLength(1);
        expect(mixed.filter((o) => o === 'conflict')).toHaveLength(5);
      });
    });

    describe('persistence', () => {
      it('keeps instances and bindings across close and reopen', async () => {
        await store.putInstance(anInstance({ parameters: { a: [1, 2] } }));
        await store.putBinding(aBinding({ bindingId: 'old', endpoint: '/old' }));
        await store.putBinding(aBinding({ bindingId: 'new', endpoint: '/new' }));
        await store.putBinding(aBinding({ bindingId: 'key', appGuid: undefined, endpoint: undefined }));
        if (subject.reopen === undefined) return;
        await store.close();
        await store.close(); // idempotent
        const reopened = await subject.reopen();
        expect(await reopened.getInstance('inst-1')).toEqual(anInstance({ parameters: { a: [1, 2] } }));
        expect(await reopened.getBinding('key')).toEqual(
          aBinding({ bindingId: 'key', appGuid: undefined, endpoint: undefined }),
        );
        expect(await reopened.endpointFor('app-1')).toBe('/new');
        // The newest-wins order survives the restart too.
        await reopened.deleteBinding('new');
        expect(await reopened.endpointFor('app-1')).toBe('/old');
        store = reopened;
      });
    });
  });
}
