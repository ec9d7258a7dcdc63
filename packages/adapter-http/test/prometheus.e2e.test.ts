/**
 * A real Prometheus (`/usr/bin/prometheus`, Debian package `prometheus`) scrapes the built promfetcher, which
 * serves a simulated foundation; the test reads every instance's series back through Prometheus' HTTP API.
 */
import { startFoundation } from '../src/simulator/index.js';
import type { Foundation, SimApp } from '../src/simulator/index.js';
import { startServerProcess, waitUntil } from './kit/main-process.js';
import type { RunningServer } from './kit/main-process.js';
import { startPrometheus, type PrometheusServer, type PromSeries } from './kit/prometheus-server.js';

/** The target fields this test reads (plus `lastError`, printed when a target is down). */
interface Target {
  readonly labels: Record<string, string>;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}

let foundation: Foundation;
let server: RunningServer;
let prometheus: PrometheusServer | undefined;

async function query(expr: string): Promise<PromSeries[]> {
  return prometheus!.query(expr);
}

function jobOf(app: SimApp): string {
  return `${app.org}-${app.space}-${app.name}`;
}

beforeAll(async () => {
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

  const target = server.url.replace(/^http:\/\//, '');
  const jobs = foundation.apps.map((app) =>
    [
      `  - job_name: ${jobOf(app)}`,
      `    metrics_path: /v1/apps/${app.org}/${app.space}/${app.name}/metrics`,
      '    honor_labels: true',
      `    static_configs: [{targets: ['${target}']}]`,
    ].join('\n'),
  );
  prometheus = await startPrometheus(jobs);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await server?.kill();
  await foundation?.stop();
});

describe('a real Prometheus scraping promfetcher', () => {
  it('sees every app job healthy', async () => {
    let targets: Target[] = [];
    await waitUntil(
      async () => {
        targets = (await prometheus!.api<{ activeTargets: Target[] }>('/api/v1/targets?state=active'))
          .activeTargets;
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
    let series: PromSeries[] = [];
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
