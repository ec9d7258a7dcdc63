import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { httpGet as get } from './kit/http-get.js';
import { answer, startInstance, type InstanceServer } from './kit/instance-server.js';
import { startAppStack, type AppStack } from './kit/app-stack.js';

describe('external exporters and the only-app-metrics variants', () => {
  let stack: AppStack;
  let instance: InstanceServer;
  let exporter: InstanceServer;

  beforeAll(async () => {
    instance = await startInstance(answer('# TYPE app_up gauge\napp_up 1\n'));
    exporter = await startInstance(answer('# TYPE exported gauge\nexported 7\n'));
    stack = await startAppStack({
      fetch: {
        externalExporters: [
          { name: 'logs', host: exporter.address, scheme: 'http', metricsPath: '/metrics', params: {} },
        ],
      },
    });
    stack.table.register('shop.apps.example.com', anEndpoint({ address: instance.address, tags: appTags() }));
  });
  afterAll(async () => {
    await stack.close();
    await instance.close();
    await exporter.close();
  });

  it('merges the exporter into /metrics answers', async () => {
    for (const path of ['/v1/apps/acme/prod/shop/metrics', '/v2/apps/metrics?app=acme/prod/shop']) {
      const res = await get(`${stack.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatch(/^app_up\{[^}]*app_name="shop"[^}]*\} 1$/m);
      expect(res.body).toMatch(/^exported\{[^}]*app_name="shop"[^}]*\} 7$/m);
    }
  });

  it.each([
    '/v1/apps/acme/prod/shop/only-app-metrics',
    '/v2/apps/only-app-metrics?app=acme/prod/shop',
    '/v1/apps/acme/prod/shop/metrics?only_from_app',
    '/v1/apps/metrics?route_url=shop.apps.example.com&only_from_app=0',
  ])('leaves the exporter out of %s', async (path) => {
    const before = exporter.requests.length;
    const res = await get(`${stack.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^app_up\{/m);
    expect(res.body).not.toContain('exported');
    expect(exporter.requests.length).toBe(before);
  });
});
