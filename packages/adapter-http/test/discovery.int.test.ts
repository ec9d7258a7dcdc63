/**
 * `/v1/discovery/apps|instances` (http_sd) and the per-instance route on the real stack.
 */
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { answer, startInstance, type InstanceServer } from './kit/instance-server.js';
import { startAppStack, type AppStack } from './kit/app-stack.js';

interface Group {
  targets: string[];
  labels: Record<string, string>;
}

function body(i: number): string {
  return `# TYPE work_total counter\nwork_total ${i}\n`;
}

describe('http_sd discovery and the per-instance route', () => {
  let stack: AppStack;
  let relative: AppStack;
  const shop: InstanceServer[] = [];
  let api: InstanceServer;

  beforeAll(async () => {
    stack = await startAppStack({ app: { baseUrl: 'https://promfetcher.example.com:8443/pf/' } });
    relative = await startAppStack();
    for (let i = 0; i < 2; i++) shop.push(await startInstance(answer(body(i))));
    api = await startInstance(answer(body(7)));
    for (const s of [stack, relative]) {
      shop.forEach((inst, i) =>
        s.table.register(
          'shop.example.com',
          anEndpoint({ address: inst.address, tags: appTags({ index: i }) }),
        ),
      );
      // the same instance under a second route is listed once
      s.table.register(
        'www.example.com',
        anEndpoint({ address: shop[0]!.address, tags: appTags({ index: 0 }) }),
      );
      s.table.register(
        'api.example.com',
        anEndpoint({
          address: api.address,
          tags: appTags({ org: 'zeta', space: 'dev', app: 'api', index: 0 }),
        }),
      );
      s.table.register(
        'worker.example.com',
        anEndpoint({ address: '127.0.0.1:1', tags: appTags({ app: 'worker', processType: 'worker' }) }),
      );
    }
  });

  afterAll(async () => {
    await stack.close();
    await relative.close();
    for (const s of [...shop, api]) await s.close();
  });

  async function groups(s: AppStack, path: string): Promise<Group[]> {
    const res = await fetch(`${s.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return (await res.json()) as Group[];
  }

  it('lists one target per web app, pointing at its merged endpoint on base_url', async () => {
    const apps = await groups(stack, '/v1/discovery/apps');
    const t = appTags();
    expect(apps).toEqual([
      {
        targets: ['promfetcher.example.com:8443'],
        labels: {
          __metrics_path__: '/pf/v1/apps/acme/prod/shop/metrics',
          __scheme__: 'https',
          organization_id: t.organization_id,
          space_id: t.space_id,
          app_id: t.app_id,
          organization_name: 'acme',
          space_name: 'prod',
          app_name: 'shop',
        },
      },
      expect.objectContaining({
        labels: expect.objectContaining({
          __metrics_path__: '/pf/v1/apps/zeta/dev/api/metrics',
          app_name: 'api',
        }),
      }),
    ]);
  });

  it("lists one target per instance, and takes the request's Host without base_url", async () => {
    const instances = await groups(relative, '/v1/discovery/instances');
    const host = new URL(relative.url).host;
    expect(
      instances.map((g) => [
        g.targets,
        g.labels['__metrics_path__'],
        g.labels['instance'],
        g.labels['index'],
      ]),
    ).toEqual([
      [[host], '/v1/apps/acme/prod/shop/instances/0/metrics', shop[0]!.address, '0'],
      [[host], '/v1/apps/acme/prod/shop/instances/1/metrics', shop[1]!.address, '1'],
      [[host], '/v1/apps/zeta/dev/api/instances/0/metrics', api.address, '0'],
    ]);
    expect(instances[0]!.labels['__scheme__']).toBeUndefined();
  });

  it('filters by exact names and anchored regexes; an invalid regex is a 400', async () => {
    const names = async (q: string): Promise<string[]> =>
      (await groups(stack, `/v1/discovery/apps?${q}`)).map((g) => g.labels['app_name']!);
    expect(await names('org=zeta')).toEqual(['api']);
    expect(await names('app_regex=sh.p')).toEqual(['shop']);
    expect(await names('app_regex=sh')).toEqual([]);
    expect(await names('space=prod&org_regex=ac.*')).toEqual(['shop']);
    expect((await groups(stack, '/v1/discovery/instances?app=shop')).length).toBe(2);
    const bad = await fetch(`${stack.url}/v1/discovery/apps?app_regex=${encodeURIComponent('(')}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('app_regex');
    const long = await fetch(`${stack.url}/v1/discovery/apps?org_regex=${'a'.repeat(300)}`);
    expect(long.status).toBe(400);
  });

  it('the per-instance route scrapes that one instance only', async () => {
    const before = shop.map((s) => s.paths.length);
    const res = await fetch(`${relative.url}/v1/apps/acme/prod/shop/instances/1/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('work_total{organization_id=');
    expect(text).toContain(`index="1",instance_id="1",instance="${shop[1]!.address}"} 1`);
    expect(text).not.toContain(`instance="${shop[0]!.address}"`);
    expect(text).toContain('promfetcher_app_instances_expected{');
    expect(shop.map((s, i) => s.paths.length - before[i]!)).toEqual([0, 1]);
    const down = await startInstance((_req, res) => res.writeHead(500).end('boom'));
    relative.table.register(
      'shop.example.com',
      anEndpoint({ address: down.address, tags: appTags({ index: 2 }) }),
    );
    try {
      const failed = await fetch(`${relative.url}/v1/apps/acme/prod/shop/instances/2/metrics`);
      expect(failed.status).toBe(502);
      expect(await failed.text()).toContain('promfetcher_instance_up{');
      // the merged endpoint still answers 200 when one instance fails
      expect((await fetch(`${relative.url}/v1/apps/acme/prod/shop/metrics`)).status).toBe(200);
    } finally {
      relative.table.unregister('shop.example.com', { address: down.address });
      await down.close();
    }
    const missing = await fetch(`${relative.url}/v2/apps/acme/prod/shop/instances/9/metrics`);
    expect(missing.status).toBe(404);
  });

  it('refuses a request that carries the loop marker with 508', async () => {
    const res = await fetch(`${relative.url}/v1/apps/acme/prod/shop/metrics`, {
      headers: { 'X-Promfetcher-Scrapping': 'true' },
    });
    expect(res.status).toBe(508);
  });
});
