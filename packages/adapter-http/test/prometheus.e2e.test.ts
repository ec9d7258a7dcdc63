/**
 * A real Prometheus (`/usr/bin/prometheus`, Debian package `prometheus`) scrapes the built promfetcher, which
 * serves a simulated foundation; the test reads every instance's series back through Prometheus' HTTP API.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFoundation } from '../src/simulator/index.js';
import type { Foundation, SimApp } from '../src/simulator/index.js';
import { startServerProcess, waitUntil } from './kit/main-process.js';
import type { RunningServer } from './kit/main-process.js';

const PROMETHEUS_BIN = '/usr/bin/prometheus';

interface Target {
  readonly labels: Record<string, string>;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}
interface Series {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

let foundation: Foundation;
let server: RunningServer;
let prometheus: ChildProcess | undefined;
let prometheusExited: Promise<void> | undefined;
let promUrl: string;
let dir: string;

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
  const data = await api<{ result: Series[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
  return data.result;
}

function jobOf(app: SimApp): string {
  return `${app.org}-${app.space}-${app.name}`;
}

beforeAll(async () => {
  if (!existsSync(PROMETHEUS_BIN))
    throw new Error(`${PROMETHEUS_BIN} is missing: apt-get install prometheus`);
  foundation = await startFoundation({
    apps: [
      { org: 'acme', space: 'prod', name: 'shop', instances: 3 },
      { org: 'acme', space: 'prod', name: 'checkout', instances: 2, openMetrics: true },
      { org: 'globex', space: 'staging', name: 'billing', instances: 2, gzip: true },
    ],
  });
  const g = foundation.gorouter;
  server = await startServerProcess(
    [
      `gorouters: [{host: 127.0.0.1, port: ${g.port}, user: ${g.user}, pass: ${g.pass}}]`,
      'listen_host: 127.0.0.1',
      'port: 0',
      'health_check_port: 0',
      'broker: {enable: false}',
      'logging: {level: info}',
    ].join('\n'),
  );
  await waitUntil(async () => (await fetch(server.healthUrl)).status === 200, 'promfetcher health 200');

  dir = mkdtempSync(join(tmpdir(), 'promfetcher-prometheus-'));
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  const target = server.url.replace(/^http:\/\//, '');
  const jobs = foundation.apps.map((app) =>
    [
      `  - job_name: ${jobOf(app)}`,
      `    metrics_path: /v1/apps/${app.org}/${app.space}/${app.name}/metrics`,
      '    honor_labels: true',
      `    static_configs: [{targets: ['${target}']}]`,
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}',
      'scrape_configs:',
      ...jobs,
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
  await server?.kill();
  await foundation?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('a real Prometheus scraping promfetcher', () => {
  it('sees every app job healthy', async () => {
    let targets: Target[] = [];
    await waitUntil(
      async () => {
        targets = (await api<{ activeTargets: Target[] }>('/api/v1/targets?state=active')).activeTargets;
        const down = targets.find((t) => t.health === 'down');
        if (down !== undefined) throw new Error(`target ${down.labels['job']} is down: ${down.lastError}`);
        return targets.length === foundation.apps.length && targets.every((t) => t.health === 'up');
      },
      'every target to be scraped',
      400,
    );
    expect(targets.map((t) => t.labels['job']).sort()).toEqual(foundation.apps.map(jobOf).sort());
    await waitUntil(
      async () => (await query('up == 1')).length === foundation.apps.length,
      'up == 1 for every job',
    );
  });

  it.each([
    ['acme', 'prod', 'shop'],
    ['acme', 'prod', 'checkout'],
    ['globex', 'staging', 'billing'],
  ])("stores every instance's series of %s/%s/%s with the CF labels", async (org, space, name) => {
    const app = foundation.app(org, space, name);
    const expr = `http_requests_total{job="${jobOf(app)}",route="/",code="200"}`;
    let series: Series[] = [];
    await waitUntil(
      async () => {
        series = await query(expr);
        return series.length === app.instances.length;
      },
      `${expr} for every instance`,
      400,
    );
    const byInstance = new Map(series.map((s) => [s.metric['instance'], s.metric]));
    for (const instance of app.instances) {
      expect(byInstance.get(instance.address)).toMatchObject({
        organization_name: org,
        space_name: space,
        app_name: name,
        organization_id: app.orgGuid,
        space_id: app.spaceGuid,
        app_id: app.guid,
        index: String(instance.index),
        instance_id: String(instance.index),
        method: 'GET',
      });
    }
    await waitUntil(
      async () =>
        (await query(`count by (instance) (http_request_duration_seconds_bucket{job="${jobOf(app)}"})`))
          .length === app.instances.length,
      'a histogram per instance',
    );
    await waitUntil(
      async () =>
        (await query(`promfetcher_instance_up{job="${jobOf(app)}"} == 1`)).length === app.instances.length,
      'promfetcher_instance_up == 1 for every instance',
    );
  });
});
