/**
 * A real Prometheus (`/usr/bin/prometheus`) discovers promfetcher's targets through `http_sd_configs`
 * (`/v1/discovery/apps` and `/v1/discovery/instances`) and scrapes them: the merged endpoint per app, and the
 * per-instance route, whose `up` is 0 for the one instance that fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { answer, startInstance, type InstanceServer } from './kit/instance-server.js';
import { startAppStack, type AppStack } from './kit/app-stack.js';
import { waitUntil } from './kit/main-process.js';

const PROMETHEUS_BIN = '/usr/bin/prometheus';

interface Target {
  readonly labels: Record<string, string>;
  readonly scrapePool: string;
  readonly health: 'up' | 'down' | 'unknown';
}
interface Series {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

let stack: AppStack;
const instances: InstanceServer[] = [];
let broken: InstanceServer;
let prometheus: ChildProcess | undefined;
let prometheusExited: Promise<void> | undefined;
let promUrl: string;
let dir: string | undefined;

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${promUrl}${path}`);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? body.status}`);
  return body.data;
}

async function query(expr: string): Promise<Series[]> {
  return (await api<{ result: Series[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result;
}

beforeAll(async () => {
  if (!existsSync(PROMETHEUS_BIN))
    throw new Error(`${PROMETHEUS_BIN} is missing: apt-get install prometheus`);
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

  dir = mkdtempSync(join(tmpdir(), 'promfetcher-http-sd-'));
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}',
      'scrape_configs:',
      '  - job_name: cf-apps',
      '    honor_labels: true',
      `    http_sd_configs: [{url: '${stack.url}/v1/discovery/apps', refresh_interval: 1s}]`,
      '  - job_name: cf-instances',
      '    honor_labels: true',
      `    http_sd_configs: [{url: '${stack.url}/v1/discovery/instances', refresh_interval: 1s}]`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  prometheus = child;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  prometheusExited = new Promise((resolve) => child.once('exit', () => resolve()));
  await waitUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
      return (await fetch(`${promUrl}/-/ready`)).status === 200;
    },
    'prometheus ready',
    400,
  );
}, 60_000);

afterAll(async () => {
  if (prometheus?.pid !== undefined && prometheus.exitCode === null) {
    process.kill(prometheus.pid, 'SIGTERM');
    await prometheusExited;
  }
  await stack?.close();
  for (const s of [...instances, broken]) await s?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('Prometheus http_sd_configs against promfetcher', () => {
  it('discovers one target per app and one per instance', async () => {
    let targets: Target[] = [];
    await waitUntil(
      async () => {
        targets = (await api<{ activeTargets: Target[] }>('/api/v1/targets?state=active')).activeTargets;
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
    let series: Series[] = [];
    await waitUntil(
      async () => {
        series = await query('shop_orders_total');
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
      async () => (await query('up{job="cf-instances", instance=~"127.0.0.1:.*"}')).length === 4,
      'up per instance',
    );
    const down = await query('up{job="cf-instances"} == 0');
    expect(down.map((s) => s.metric['instance'])).toEqual([broken.address]);
  }, 60_000);
});
