import { anEndpoint, appTags } from '../testing/builders.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Endpoint, RouteEntry } from './endpoint.js';
import { RouteTable } from './route-table.js';

const SHOP = 'shop.apps.example.com';

function instance(index: number, overrides: Partial<Endpoint> = {}, app = 'shop'): Endpoint {
  return anEndpoint({ address: `10.0.0.${index + 1}:8080`, tags: appTags({ app, index }), ...overrides });
}

function addresses(entries: Iterable<RouteEntry>): string[] {
  return [...entries].map((e) => e.endpoint.address);
}

function setup(start = 1_000_000): { clock: ManualClock; table: RouteTable } {
  const clock = new ManualClock(start);
  return { clock, table: new RouteTable(clock, { maxTtlSeconds: 120 }) };
}

const shopId = appTags({ app: 'shop' })['app_id']!;

describe('RouteTable writes', () => {
  it('keys endpoints by normalised route key and address; re-registering replaces', () => {
    const { table } = setup();
    table.register('Shop.Apps.Example.com/', instance(0));
    table.register(`${SHOP}?x=1`, instance(0));
    expect(table.size).toBe(1);
    table.register(SHOP, instance(0, { tags: appTags({ app: 'shop', index: 7 }) }));
    expect(table.size).toBe(1);
    expect(table.findByRoute(SHOP)[0]!.endpoint.tags['instance_id']).toBe('7');
  });

  it('unregisters under the normalised key and deletes empty keys (no ghost keys, no holes)', () => {
    const { table } = setup();
    table.register(`${SHOP}/API/`, instance(0));
    table.register(`${SHOP}/api`, instance(1));
    table.unregister(`${SHOP}/Api/?q=1`, { address: '10.0.0.1:8080' });
    expect(addresses(table.findByRoute(`${SHOP}/api`))).toEqual(['10.0.0.2:8080']);
    expect(table.findByRoute(`${SHOP}/api`).every((e) => e !== undefined)).toBe(true);
    table.unregister(`${SHOP}/api`, { address: '10.0.0.2:8080' });
    expect(table.size).toBe(0);
    expect([...table.entries()]).toEqual([]);
    expect(table.findByAppGuid(shopId)).toEqual([]);
    table.unregister(`${SHOP}/api`, { address: '10.0.0.2:8080' });
    table.unregister('never.example.com', { address: '10.0.0.2:8080' });
    expect(table.size).toBe(0);
  });

  it('reindexes an address that now belongs to another app (port reuse)', () => {
    const { table } = setup();
    table.register(SHOP, instance(0));
    table.register(SHOP, instance(0, {}, 'blog'));
    expect(table.findByName('acme', 'prod', 'shop')).toEqual([]);
    expect(table.findByAppGuid(shopId)).toEqual([]);
    expect(addresses(table.findByName('acme', 'prod', 'blog'))).toEqual(['10.0.0.1:8080']);
  });

  it('returns frozen arrays that later writes do not change', () => {
    const { table } = setup();
    table.register(SHOP, instance(0));
    table.register(SHOP, instance(1));
    const byRoute = table.findByRoute(SHOP);
    const byGuid = table.findByAppGuid(shopId);
    const byName = table.findByName('acme', 'prod', 'shop');
    table.unregister(SHOP, { address: '10.0.0.1:8080' });
    table.register(SHOP, instance(2));
    for (const result of [byRoute, byGuid, byName]) {
      expect(addresses(result)).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
      expect(Object.isFrozen(result)).toBe(true);
      expect(Object.isFrozen(result[0])).toBe(true);
      expect(Object.isFrozen(result[0]!.endpoint.tags)).toBe(true);
    }
    expect(addresses(table.findByRoute(SHOP))).toEqual(['10.0.0.2:8080', '10.0.0.3:8080']);
  });

  it('does not keep a reference to the caller’s endpoint', () => {
    const { table } = setup();
    const tags: Record<string, string> = { ...appTags({ index: 0 }) };
    table.register(SHOP, anEndpoint({ address: '10.0.0.1:8080', tags }));
    tags['app_name'] = 'changed';
    expect(table.findByRoute(SHOP)[0]!.endpoint.tags['app_name']).toBe('shop');
  });

  it('keeps an endpoint frozen with its tags as is (nobody can change it), copies one with mutable tags', () => {
    const { table } = setup();
    const frozen = Object.freeze(anEndpoint({ address: '10.0.0.1:8080', tags: Object.freeze(appTags({})) }));
    const mutableTags = Object.freeze(anEndpoint({ address: '10.0.0.2:8080', tags: { ...appTags({}) } }));
    table.register(SHOP, frozen);
    table.register(SHOP, mutableTags);
    const [first, second] = table.findByRoute(SHOP);
    expect(first!.endpoint).toBe(frozen);
    expect(second!.endpoint).not.toBe(mutableTags);
    expect(Object.isFrozen(second!.endpoint.tags)).toBe(true);
  });

  it('keeps the cached view on a heartbeat that changes nothing', () => {
    const { table } = setup();
    table.register(SHOP, instance(0));
    const before = table.findByAppGuid(shopId);
    table.register(SHOP, instance(0));
    expect(table.findByAppGuid(shopId)).toBe(before);
    table.register(SHOP, instance(0, { tls: true }));
    const afterTls = table.findByAppGuid(shopId);
    expect(afterTls).not.toBe(before);
    table.register(SHOP, instance(0, { tls: true, tags: { ...appTags({ index: 0 }), extra: 'x' } }));
    expect(table.findByAppGuid(shopId)).not.toBe(afterTls);
    expect(table.findByAppGuid(shopId)[0]!.endpoint.tags['extra']).toBe('x');
  });

  it('clears', () => {
    const { table } = setup();
    table.register(SHOP, instance(0));
    table.clear();
    expect(table.size).toBe(0);
    expect(table.findByRoute(SHOP)).toEqual([]);
  });

  it('refuses a non-positive maxTtlSeconds', () => {
    expect(() => new RouteTable(new ManualClock(), { maxTtlSeconds: 0 })).toThrow(RangeError);
  });
});

describe('RouteTable lookups', () => {
  it('finds by name and GUID: web only, one per address, ordered by index then address', () => {
    const { table } = setup();
    table.register(SHOP, instance(10));
    table.register(SHOP, instance(2));
    table.register(`${SHOP}/api`, instance(2));
    table.register('shop2.example.com', instance(2));
    table.register(SHOP, anEndpoint({ address: '10.0.9.9:1', tags: appTags({ index: 2 }) }));
    table.register(SHOP, anEndpoint({ address: '10.0.9.8:1', tags: { ...appTags(), instance_id: '' } }));
    table.register(SHOP, anEndpoint({ address: '10.0.9.7:1', tags: appTags({ processType: 'worker' }) }));
    const expected = ['10.0.0.3:8080', '10.0.9.9:1', '10.0.0.11:8080', '10.0.9.8:1'];
    expect(addresses(table.findByAppGuid(shopId))).toEqual(expected);
    expect(addresses(table.findByName('acme', 'prod', 'shop'))).toEqual(expected);
    expect(table.findByAppGuid(shopId)[0]!.routeKey).toBe(SHOP);
    expect(table.findByName('ACME', 'prod', 'shop')).toEqual([]);
    expect(table.findByAppGuid('unknown')).toEqual([]);
    expect(table.size).toBe(7);
  });

  it('treats an endpoint without process_type as web; skips incomplete tags in the indexes', () => {
    const { table } = setup();
    const { process_type: _dropped, ...noType } = appTags();
    table.register(SHOP, anEndpoint({ address: '10.0.0.1:1', tags: noType }));
    table.register('uaa.sys.example.com', anEndpoint({ address: '10.0.0.2:1', tags: { component: 'uaa' } }));
    expect(addresses(table.findByAppGuid(shopId))).toEqual(['10.0.0.1:1']);
    expect(addresses(table.findByRoute('uaa.sys.example.com'))).toEqual(['10.0.0.2:1']);
    expect(table.findByName('', '', '')).toEqual([]);
  });

  it('finds by route: exact key, scheme stripped, web only', () => {
    const { table } = setup();
    table.register(SHOP, instance(1));
    table.register(SHOP, instance(0));
    table.register(SHOP, anEndpoint({ address: '10.0.9.7:1', tags: appTags({ processType: 'worker' }) }));
    expect(addresses(table.findByRoute(SHOP))).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(addresses(table.findByRoute(`https://${SHOP.toUpperCase()}/?x=y`))).toEqual([
      '10.0.0.1:8080',
      '10.0.0.2:8080',
    ]);
    expect(table.findByRoute('')).toEqual([]);
  });

  it('resolves two-segment routes and the longest path prefix at segment boundaries', () => {
    const { table } = setup();
    table.register(SHOP, instance(0));
    table.register(`${SHOP}/a/b`, instance(1));
    expect(addresses(table.findByRoute(`${SHOP}/a/b`))).toEqual(['10.0.0.2:8080']);
    expect(addresses(table.findByRoute(`${SHOP}/a/b/c/d`))).toEqual(['10.0.0.2:8080']);
    expect(addresses(table.findByRoute(`${SHOP}/a/bc`))).toEqual(['10.0.0.1:8080']);
    expect(addresses(table.findByRoute(`${SHOP}/a`))).toEqual(['10.0.0.1:8080']);
  });

  it('falls back to wildcard hosts and asks for the requested host', () => {
    const { table } = setup();
    table.register('*.apps.example.com', instance(0));
    table.register('*.example.com/x', instance(1));
    const found = table.findByRoute('foo.apps.example.com');
    expect(addresses(found)).toEqual(['10.0.0.1:8080']);
    expect(found[0]!.host).toBe('foo.apps.example.com');
    expect(found[0]!.routeKey).toBe('*.apps.example.com');
    expect(Object.isFrozen(found)).toBe(true);
    expect(addresses(table.findByRoute('a.b.example.com/x/y'))).toEqual(['10.0.0.2:8080']);
    expect(table.findByRoute('a.b.example.org')).toEqual([]);
    table.register('foo.apps.example.com', instance(2));
    expect(addresses(table.findByRoute('foo.apps.example.com'))).toEqual(['10.0.0.3:8080']);
  });

  it('skips a key whose endpoints are not web and keeps looking', () => {
    const { table } = setup();
    table.register(SHOP, instance(0));
    table.register(
      `${SHOP}/jobs`,
      anEndpoint({ address: '10.0.9.7:1', tags: appTags({ processType: 'worker' }) }),
    );
    expect(addresses(table.findByRoute(`${SHOP}/jobs`))).toEqual(['10.0.0.1:8080']);
  });

  it('lists every entry', () => {
    const { table } = setup();
    table.register(SHOP, instance(0));
    table.register(`${SHOP}/api`, instance(0));
    expect([...table.entries()].map((e) => e.routeKey)).toEqual([SHOP, `${SHOP}/api`]);
  });
});

describe('RouteTable TTL', () => {
  it('prunes an endpoint once last-seen + ttl is past, and refreshes on register', () => {
    const { clock, table } = setup();
    table.register(SHOP, instance(0));
    table.register(SHOP, instance(1, { ttlSeconds: 30 }));
    clock.advance(30_000);
    expect(table.prune()).toBe(0);
    clock.advance(1);
    expect(table.prune()).toBe(1);
    table.register(SHOP, instance(0));
    clock.advance(119_999);
    expect(table.prune()).toBe(0);
    expect(table.lastSeen(SHOP, '10.0.0.1:8080')).toBe(1_030_001);
    clock.advance(1);
    expect(table.prune()).toBe(0);
    clock.advance(1);
    expect(table.prune()).toBe(1);
    expect(table.size).toBe(0);
    expect(table.findByAppGuid(shopId)).toEqual([]);
    expect(table.findByRoute(SHOP)).toEqual([]);
    expect([...table.entries()]).toEqual([]);
  });

  it('clamps a longer or missing TTL to maxTtl, and prunes TLS endpoints too', () => {
    const { clock, table } = setup();
    table.register(SHOP, instance(0, { ttlSeconds: 600 }));
    table.register(SHOP, instance(1, { ttlSeconds: 0 }));
    table.register(SHOP, instance(2, { tls: true }));
    clock.advance(120_000);
    expect(table.prune()).toBe(0);
    clock.advance(1);
    expect(table.prune()).toBe(3);
    expect(table.lastSeen(SHOP, '10.0.0.1:8080')).toBeUndefined();
  });

  it('markAllFresh protects every endpoint from a mass prune', () => {
    const { clock, table } = setup();
    table.register(SHOP, instance(0));
    clock.advance(100_000);
    table.markAllFresh();
    clock.advance(100_000);
    expect(table.prune()).toBe(0);
    clock.advance(20_001);
    expect(table.prune()).toBe(1);
  });
});

describe('RouteTable.adopt', () => {
  it('takes over the other table and leaves it empty', () => {
    const { clock, table } = setup();
    table.register('old.example.com', instance(5));
    const fresh = new RouteTable(clock);
    fresh.register(SHOP, instance(0));
    const before = table.findByRoute('old.example.com');
    table.adopt(fresh);
    expect(addresses(table.findByRoute(SHOP))).toEqual(['10.0.0.1:8080']);
    expect(table.findByRoute('old.example.com')).toEqual([]);
    expect(addresses(before)).toEqual(['10.0.0.6:8080']);
    expect(table.size).toBe(1);
    expect(fresh.size).toBe(0);
    expect(fresh.findByAppGuid(shopId)).toEqual([]);
    table.adopt(table);
    expect(table.size).toBe(1);
  });
});
