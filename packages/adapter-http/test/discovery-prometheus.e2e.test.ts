/**
 * A real Prometheus (`/usr/bin/prometheus`) discovers promfetcher's targets through `http_sd_configs`
 * (`/v1/discovery/apps` and `/v1/discovery/instances`) and scrapes them: the merged endpoint per app, and the
 * per-instance route, whose `up` is 0 for the one instance that fails.
 */
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { answer, startInstance, type InstanceServer } from './kit/instance-server.js';
import { startAppStack, type AppStack } from './kit/app-stack.js';
import { waitUntil } from './kit/main-process.js';
import {
  startPrometheus,
  type PrometheusServer,
  type PromSeries,
  type PromTarget,
} from './kit/prometheus-server.js';

let stack: AppStack;
const instances: InstanceServer[] = [];
let broken: InstanceServer;
let prometheus: PrometheusServer | undefined;

beforeAll(async () => {
  stack = await startAppStack();
  for (let i = 0; i < 2; i++) {
    instances.push(
      await startInstance(answer(`# TYPE shop_orders_total counter\nshop_orders_total ${i + 1}\n`)),
    );
  }
  instances.push(await startInstance(answer('# TYPE api_calls_total counter\napi_calls_total 5\n')));
  broken = await startInstance((_req, res) => res.writeHead(500).end('boom'));
  instances.forEach((inst, i) => {
    const tags = i < 2 ? appTags({ index: i }) : appTags({ org: 'zeta', space: 'dev', app: 'api', index: 0 });
    stack.table.register(
      i < 2 ? 'shop.example.com' : 'api.example.com',
      anEndpoint({ address: inst.address, tags }),
    );
  });
  stack.table.register(
    'shop.example.com',
    anEndpoint({ address: broken.address, tags: appTags({ index: 2 }) }),
  );

  prometheus = await startPrometheus([
    '  - job_name: cf-apps',
    '    honor_labels: true',
    `    http_sd_configs: [{url: '${stack.url}/v1/discovery/apps', refresh_interval: 1s}]`,
    '  - job_name: cf-instances',
    '    honor_labels: true',
    `    http_sd_configs: [{url: '${stack.url}/v1/discovery/instances', refresh_interval: 1s}]`,
  ]);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await stack?.close();
  for (const s of [...instances, broken]) await s?.close();
});

describe('Prometheus http_sd_configs against promfetcher', () => {
  it('discovers one target per app and one per instance', async () => {
    let targets: PromTarget[] = [];
    await waitUntil(
      async () => {
        targets = await prometheus!.activeTargets();
        return targets.length === 2 + 4 && targets.every((t) => t.health !== 'unknown');
      },
      'six discovered and scraped targets',
      400,
    );
    const health = targets
      .map((t) => `${t.scrapePool} ${t.labels['app_name']} ${t.labels['index'] ?? '-'} ${t.health}`)
      .sort();
    expect(health).toEqual([
      'cf-apps api - up',
      'cf-apps shop - up',
      'cf-instances api 0 up',
      'cf-instances shop 0 up',
      'cf-instances shop 1 up',
      'cf-instances shop 2 down',
    ]);
    const shopInstance = targets.find((t) => t.scrapePool === 'cf-instances' && t.labels['index'] === '1')!;
    expect(shopInstance.labels).toMatchObject({
      organization_name: 'acme',
      space_name: 'prod',
      app_id: appTags().app_id,
      instance: instances[1]!.address,
    });
  }, 60_000);

  it("stores the instances' series with CF labels, through both jobs", async () => {
    let series: PromSeries[] = [];
    await waitUntil(
      async () => {
        series = await prometheus!.query('shop_orders_total');
        return series.length === 4;
      },
      'shop_orders_total from both jobs',
      400,
    );
    expect(series.map((s) => `${s.metric['job']} ${s.metric['instance']} ${s.value[1]}`).sort()).toEqual(
      [
        `cf-apps ${instances[0]!.address} 1`,
        `cf-apps ${instances[1]!.address} 2`,
        `cf-instances ${instances[0]!.address} 1`,
        `cf-instances ${instances[1]!.address} 2`,
      ].sort(),
    );
    await waitUntil(
      async () => (await prometheus!.query('up{job="cf-instances", instance=~"127.0.0.1:.*"}')).length === 4,
      'up per instance',
    );
    const down = await prometheus!.query('up{job="cf-instances"} == 0');
    expect(down.map((s) => s.metric['instance'])).toEqual([broken.address]);
  }, 60_000);
});
