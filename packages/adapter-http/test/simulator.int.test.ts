import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  NatsRouteSubscriber,
  noopRouteSourceTelemetry,
  parseRoutesBody,
} from '@promfetcher/adapter-gorouter';
import { parseExposition, RouteTable, silentLogger } from '@promfetcher/core';
import {
  benchmarkFoundationSpec,
  DEMO_BASIC_AUTH,
  demoFoundationSpec,
  renderInstanceMetrics,
  seriesCount,
  startFoundation,
} from '../src/simulator/index.js';
import type { Foundation } from '../src/simulator/index.js';

const clock = { now: (): number => Date.now() };

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

describe('simulator: metrics generator', () => {
  it.each(['text', 'openmetrics'] as const)(
    'renders a valid %s exposition with every metric type',
    (format) => {
      const body = renderInstanceMetrics({ appName: 'shop', instanceIndex: 1, extraSeries: 50 }, format, 3);
      const parsed = parseExposition(
        body,
        format === 'openmetrics'
          ? 'application/openmetrics-text; version=1.0.0'
          : 'text/plain; version=0.0.4',
      );
      if (!parsed.ok) throw parsed.error;
      const types = new Set(parsed.value.families.map((f) => f.type));
      expect([...types].sort()).toEqual(['counter', 'gauge', 'histogram', 'summary']);
      const samples = parsed.value.families.reduce((n, f) => n + f.samples.length, 0);
      expect(samples).toBe(seriesCount({ appName: 'shop', instanceIndex: 1, extraSeries: 50 }));
    },
  );
});

describe('simulator: the demo foundation', () => {
  let foundation: Foundation;
  beforeAll(async () => {
    foundation = await startFoundation(demoFoundationSpec({ slowMs: 300 }));
  });
  afterAll(async () => {
    await foundation.stop();
  });

  it('has several apps in two orgs and three spaces', () => {
    expect(new Set(foundation.apps.map((a) => a.org))).toEqual(new Set(['acme', 'globex']));
    expect(new Set(foundation.apps.map((a) => `${a.org}/${a.space}`)).size).toBe(3);
    expect(foundation.apps.reduce((n, a) => n + a.instances.length, 0)).toBe(14);
  });

  it('serves a gorouter /routes table that the real parser reads, behind basic auth', async () => {
    const denied = await get(foundation.gorouter.url);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Basic');
    const auth = `Basic ${Buffer.from(`${foundation.gorouter.user}:${foundation.gorouter.pass}`).toString('base64')}`;
    const ok = await get(foundation.gorouter.url, { authorization: auth });
    expect(ok.status).toBe(200);
    const text = ok.body.toString();
    expect(text.endsWith('}\n')).toBe(true);
    const entries = parseRoutesBody(text, { defaultTtlSeconds: 120 });
    expect(entries).toHaveLength(14);
    const shop = foundation.app('acme', 'prod', 'shop');
    const first = entries.find((e) => e.uri === shop.routes[0] && e.endpoint.tags['instance_id'] === '0');
    expect(first?.endpoint).toMatchObject({
      address: shop.instances[0]?.address,
      tags: { app_name: 'shop', space_name: 'prod', organization_name: 'acme', app_id: shop.guid },
    });
  });

  it('serves OpenMetrics, gzip, a failing, a slow and a protected instance', async () => {
    const om = foundation.app('acme', 'prod', 'checkout').instances[0];
    const omAnswer = await get(`http://${om?.address}/metrics`, { accept: 'application/openmetrics-text' });
    expect(omAnswer.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    expect(omAnswer.body.toString().endsWith('# EOF\n')).toBe(true);

    const gz = foundation.app('acme', 'prod', 'catalog').instances[0];
    const gzAnswer = await fetch(`http://${gz?.address}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzAnswer.headers.get('content-encoding')).toBe('gzip');
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect(Number(gz?.address.split(':')[1]), '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
      socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n');
    });
    const body = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
    expect(gunzipSync(body).toString()).toContain('# TYPE http_request_duration_seconds histogram');

    const failing = foundation.app('globex', 'staging', 'billing').instances[2];
    expect((await get(`http://${failing?.address}/metrics`)).status).toBe(500);

    const slow = foundation.app('acme', 'dev', 'shop').instances[1];
    const started = Date.now();
    expect((await get(`http://${slow?.address}/metrics`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    const vault = foundation.app('globex', 'staging', 'vault').instances[0];
    expect((await get(`http://${vault?.address}/metrics`)).status).toBe(401);
    const auth = `Basic ${Buffer.from(`${DEMO_BASIC_AUTH.user}:${DEMO_BASIC_AUTH.pass}`).toString('base64')}`;
    expect((await get(`http://${vault?.address}/metrics`, { authorization: auth })).status).toBe(200);
    expect((await get(`http://${vault?.address}/other`, { authorization: auth })).status).toBe(404);
  });
});

describe('simulator: benchmark scenarios', () => {
  it('sizes apps × instances × series, with failing and slow instances last', () => {
    const spec = benchmarkFoundationSpec({
      apps: 2,
      instances: 5,
      series: 200,
      failingInstances: 1,
      slowInstances: 1,
    });
    expect(spec.apps).toHaveLength(2);
    const instances = spec.apps[0]?.instances;
    expect(Array.isArray(instances) && instances.map((i) => i.behaviour ?? 'ok')).toEqual([
      'ok',
      'ok',
      'ok',
      'failing',
      'slow',
    ]);
    expect(seriesCount({ appName: 'x', instanceIndex: 0, extraSeries: spec.apps[0]?.extraSeries ?? 0 })).toBe(
      200,
    );
  });
});

describe('simulator: route-emitter stand-in on a real NATS server', () => {
  let nats: ChildProcess | undefined;
  let foundation: Foundation | undefined;
  let subscriber: NatsRouteSubscriber | undefined;

  afterAll(async () => {
    await subscriber?.stop();
    await foundation?.stop();
    nats?.kill('SIGTERM');
  });

  it('registers every instance so that a NatsRouteSubscriber sees the whole table', async () => {
    const port = await freePort();
    nats = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    await waitForPort(port);
    const table = new RouteTable(clock);
    subscriber = new NatsRouteSubscriber({
      table,
      clock,
      logger: silentLogger,
      telemetry: noopRouteSourceTelemetry,
      options: {
        servers: [`127.0.0.1:${port}`],
        pingIntervalMs: 20_000,
        dropletStaleThresholdMs: 120_000,
        startResponseDelayIntervalMs: 20_000,
        pruneIntervalMs: 30_000,
        index: 0,
        settleMs: 100,
      },
    });
    await subscriber.start();
    foundation = await startFoundation({
      apps: [
        { org: 'acme', space: 'prod', name: 'shop', instances: 3 },
        { org: 'globex', space: 'staging', name: 'billing', instances: 2 },
      ],
      nats: { server: `127.0.0.1:${port}`, heartbeatMs: 60_000 },
    });
    for (let i = 0; i < 200 && table.size < 5; i++) await new Promise((r) => setTimeout(r, 25));
    expect(
      table
        .findByName('acme', 'prod', 'shop')
        .map((e) => e.endpoint.address)
        .sort(),
    ).toEqual(
      foundation
        .app('acme', 'prod', 'shop')
        .instances.map((i) => i.address)
        .sort(),
    );
    expect(table.findByName('globex', 'staging', 'billing')).toHaveLength(2);
    await foundation.stop();
    for (let i = 0; i < 200 && table.size > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(table.size).toBe(0);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`port ${port} never opened`);
}
