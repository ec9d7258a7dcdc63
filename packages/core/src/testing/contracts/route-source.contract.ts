/**
 * The RouteSource contract: every source (core's in-memory fake, the gorouter poller, the NATS subscriber)
 * must pass it. Source-agnostic: changes go through the harness, `sync()` is the only wait, and nothing
 * assumes timing.
 */
import type { Endpoint, RouteEntry } from '../../routes/endpoint.js';
import { anEndpoint, appTags } from '../builders.js';
import type { RouteSourceHarness } from './route-source-harness.js';

const SHOP = 'shop.apps.example.com';

function addresses(entries: readonly RouteEntry[]): string[] {
  return entries.map((e) => e.endpoint.address);
}

function shopInstance(index: number, overrides: Partial<Endpoint> = {}): Endpoint {
  return anEndpoint({
    address: `127.0.0.1:${61000 + index}`,
    tags: appTags({ org: 'acme', space: 'prod', app: 'shop', index }),
    ...overrides,
  });
}

export function routeSourceContract(name: string, makeHarness: () => Promise<RouteSourceHarness>): void {
  describe(`${name} (RouteSource contract)`, () => {
    const open: RouteSourceHarness[] = [];
    const harness = async (): Promise<RouteSourceHarness> => {
      const h = await makeHarness();
      open.push(h);
      return h;
    };

    afterEach(async () => {
      for (const h of open.splice(0)) await h.close();
    });

    it('reports a well-formed status once started, and is ready after the first sync', async () => {
      const h = await harness();
      await h.source.start();
      const status = h.source.status();
      expect(typeof status.ready).toBe('boolean');
      expect(typeof status.stale).toBe('boolean');
      expect(typeof status.detail).toBe('string');
      if (status.lastUpdateMs !== undefined) expect(Number.isFinite(status.lastUpdateMs)).toBe(true);
      expect(typeof h.source.name).toBe('string');
      expect(h.source.name).not.toBe('');
      await h.announce(SHOP, shopInstance(0));
      await h.sync();
      expect(h.source.status().ready).toBe(true);
    });

    it('finds an announced endpoint by route, app GUID and names, with its fields', async () => {
      const h = await harness();
      await h.source.start();
      const plain = shopInstance(0);
      const tls = shopInstance(1, { tls: true, serverCertDomainSan: 'instance-guid-1' });
      await h.announce(SHOP, plain);
      await h.announce(SHOP, tls);
      await h.sync();

      const byRoute = h.table.findByRoute(SHOP);
      expect(addresses(byRoute)).toEqual([plain.address, tls.address]);
      const appId = plain.tags['app_id']!;
      expect(addresses(h.table.findByAppGuid(appId))).toEqual([plain.address, tls.address]);
      expect(addresses(h.table.findByName('acme', 'prod', 'shop'))).toEqual([plain.address, tls.address]);

      const [first, second] = byRoute;
      expect(first!.routeKey).toBe(SHOP);
      expect(first!.host).toBe(SHOP);
      expect(first!.endpoint.tls).toBe(false);
      expect(first!.endpoint.tags).toEqual(expect.objectContaining(plain.tags));
      expect(second!.endpoint.tls).toBe(true);
      expect(second!.endpoint.serverCertDomainSan).toBe('instance-guid-1');
      expect(second!.endpoint.tags).toEqual(expect.objectContaining(tls.tags));
    });

    it('keeps one entry when the same address is announced again', async () => {
      const h = await harness();
      await h.source.start();
      await h.announce(SHOP, shopInstance(0));
      await h.sync();
      await h.announce(SHOP, shopInstance(0));
      await h.sync();
      expect(addresses(h.table.findByRoute(SHOP))).toEqual(['127.0.0.1:61000']);
      expect(h.table.size).toBe(1);
    });

    it('forgets a withdrawn endpoint, and the route with its last endpoint', async () => {
      const h = await harness();
      await h.source.start();
      const a = shopInstance(0);
      const b = shopInstance(1);
      await h.announce(SHOP, a);
      await h.announce(SHOP, b);
      await h.sync();
      await h.withdraw(SHOP, a);
      await h.sync();
      expect(addresses(h.table.findByRoute(SHOP))).toEqual([b.address]);
      expect(addresses(h.table.findByAppGuid(a.tags['app_id']!))).toEqual([b.address]);
      await h.withdraw(SHOP, b);
      await h.sync();
      expect(h.table.findByRoute(SHOP)).toEqual([]);
      expect(h.table.findByName('acme', 'prod', 'shop')).toEqual([]);
      expect(h.table.size).toBe(0);
      expect([...h.table.entries()]).toEqual([]);
    });

    it('keeps several apps and routes apart', async () => {
      const h = await harness();
      await h.source.start();
      const shop = shopInstance(0);
      const api = anEndpoint({
        address: '127.0.0.1:62000',
        tags: appTags({ org: 'acme', space: 'prod', app: 'shop-api', index: 0 }),
      });
      const blog = anEndpoint({
        address: '127.0.0.1:63000',
        tags: appTags({ org: 'other', space: 'dev', app: 'blog', index: 0 }),
      });
      await h.announce(SHOP, shop);
      await h.announce(`${SHOP}/api`, api);
      await h.announce('blog.apps.example.com', blog);
      await h.announce('www.blog.example.com', blog);
      await h.sync();

      expect(addresses(h.table.findByRoute(SHOP))).toEqual([shop.address]);
      expect(addresses(h.table.findByRoute(`${SHOP}/api`))).toEqual([api.address]);
      expect(addresses(h.table.findByRoute('www.blog.example.com'))).toEqual([blog.address]);
      expect(addresses(h.table.findByName('acme', 'prod', 'shop-api'))).toEqual([api.address]);
      expect(addresses(h.table.findByAppGuid(blog.tags['app_id']!))).toEqual([blog.address]);
      expect(h.table.findByName('acme', 'prod', 'blog')).toEqual([]);
      expect(h.table.size).toBe(4);
    });

    it('resolves a route with two path segments', async () => {
      const h = await harness();
      await h.source.start();
      const e = shopInstance(0);
      await h.announce(`${SHOP}/a/b`, e);
      await h.sync();
      const found = h.table.findByRoute(`${SHOP}/a/b`);
      expect(addresses(found)).toEqual([e.address]);
      expect(found[0]!.routeKey).toBe(`${SHOP}/a/b`);
      expect(found[0]!.host).toBe(SHOP);
      expect(h.table.findByRoute(SHOP)).toEqual([]);
    });

    it('stops idempotently', async () => {
      const h = await harness();
      await h.source.start();
      await h.source.stop();
      await h.source.stop();
      expect(typeof h.source.status().detail).toBe('string');
    });
  });
}
