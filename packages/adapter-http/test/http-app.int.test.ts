import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { answer, startInstance, type InstanceServer } from './kit/instance-server.js';
import { startAppStack, type AppStack } from './kit/app-stack.js';

const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

function instanceBody(i: number): string {
  return `# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{path="/"} ${10 + i}\n`;
}

/** GET with node:http (no automatic decompression), raw body as a Buffer. */
function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function promtool(body: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    const file = join(dir, 'metrics.txt');
    writeFileSync(file, body);
    try {
      const out = execFileSync('sh', ['-c', `promtool check metrics < "${file}" 2>&1`], { encoding: 'utf8' });
      return { ok: true, output: out };
    } catch (e) {
      return { ok: false, output: String((e as { stdout?: string }).stdout ?? e) };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('createApp on a real listener, real instances', () => {
  let stack: AppStack;
  const shop: InstanceServer[] = [];
  let failing: InstanceServer;
  let slow: InstanceServer;
  let fastOfSlowApp: InstanceServer;
  let refusedPort: number;

  beforeAll(async () => {
    stack = await startAppStack({
      app: { baseUrl: 'https://promfetcher.example.com', routesAuth: { user: 'ops', pass: 's3cret' } },
    });
    for (let i = 0; i < 3; i++) shop.push(await startInstance(answer(instanceBody(i))));
    shop.forEach((s, i) =>
      stack.table.register(
        'shop.apps.example.com',
        anEndpoint({ address: s.address, tags: appTags({ index: i }) }),
      ),
    );
    failing = await startInstance((_req, res) => res.writeHead(500).end('boom'));
    const probe = await startInstance(answer(''));
    refusedPort = probe.port;
    await probe.close();
    stack.table.register(
      'flaky.apps.example.com',
      anEndpoint({ address: shop[0]!.address, tags: appTags({ app: 'flaky', index: 0 }) }),
    );
    stack.table.register(
      'flaky.apps.example.com',
      anEndpoint({ address: failing.address, tags: appTags({ app: 'flaky', index: 1 }) }),
    );
    stack.table.register(
      'flaky.apps.example.com',
      anEndpoint({ address: `127.0.0.1:${refusedPort}`, tags: appTags({ app: 'flaky', index: 2 }) }),
    );
    slow = await startInstance((_req, res) => {
      const t = setTimeout(() => answer(instanceBody(9))(_req, res), 5_000);
      res.once('close', () => clearTimeout(t));
    });
    fastOfSlowApp = await startInstance(answer(instanceBody(1)));
    stack.table.register(
      'slow.apps.example.com',
      anEndpoint({ address: fastOfSlowApp.address, tags: appTags({ app: 'slow', index: 0 }) }),
    );
    stack.table.register(
      'slow.apps.example.com',
      anEndpoint({ address: slow.address, tags: appTags({ app: 'slow', index: 1 }) }),
    );
  });

  afterAll(async () => {
    await stack.close();
    for (const s of [...shop, failing, slow, fastOfSlowApp]) await s.close();
  });

  it('merges 3 instances with CF labels, by names, GUID, route and query', async () => {
    const appId = appTags().app_id!;
    for (const path of [
      '/v1/apps/acme/prod/shop/metrics',
      `/v2/apps/${appId}/metrics`,
      '/v1/apps/shop.apps.example.com/metrics',
      '/v1/apps/metrics?app=acme/prod/shop',
      '/v1/apps/metrics?route_url=shop.apps.example.com',
    ]) {
      const res = await get(`${stack.url}${path}`);
      expect([path, res.status]).toEqual([path, 200]);
      const text = res.body.toString();
      for (let i = 0; i < 3; i++) {
        expect(text).toContain(
          `http_requests_total{path="/",organization_id="${appTags().organization_id}",space_id="${appTags().space_id}",app_id="${appId}",organization_name="acme",space_name="prod",app_name="shop",index="${i}",instance_id="${i}",instance="${shop[i]!.address}"} ${10 + i}`,
        );
      }
    }
  });

  it('negotiates OpenMetrics or text from Accept, with the right Content-Type', async () => {
    const om = await get(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {
      Accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
    });
    expect(om.headers['content-type']).toBe(OM);
    expect(om.body.toString()).toMatch(/# EOF\n$/);
    expect(om.body.toString()).toContain('# TYPE http_requests counter');
    const text = await get(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {
      Accept: 'text/plain;version=0.0.4',
    });
    expect(text.headers['content-type']).toBe(TEXT);
    expect(text.body.toString()).not.toContain('# EOF');
    const none = await get(`${stack.url}/v1/apps/acme/prod/shop/metrics`);
    expect(none.headers['content-type']).toBe(TEXT);
  });

  it('compresses with gzip when accepted', async () => {
    const res = await get(`${stack.url}/v1/apps/acme/prod/shop/metrics`, { 'Accept-Encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(gunzipSync(res.body).toString()).toContain('app_name="shop"');
    const plain = await get(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {
      'Accept-Encoding': 'gzip;q=0, identity',
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('answers 404 for an unknown app and 400 without app', async () => {
    const res = await get(`${stack.url}/v1/apps/acme/prod/nope/metrics`);
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain('acme/prod/nope');
    const none = await get(`${stack.url}/v1/apps/metrics`);
    expect(none.status).toBe(400);
    expect(none.body.toString()).toContain('You must set app id or path');
  });

  it.each([
    ['http://evil.example.com/metrics'],
    ['//evil.example.com/metrics'],
    ['/metrics@evil.example.com'],
    ['/metrics\r\nX-Injected: 1'],
    ['/metrics\nx'],
    ['/../../admin'],
    ['/%2e%2e/admin'],
  ])('refuses metric_path %s with 400 and scrapes nothing', async (metricPath) => {
    const before = shop[0]!.requests.length;
    const res = await get(
      `${stack.url}/v1/apps/acme/prod/shop/metrics?metric_path=${encodeURIComponent(metricPath)}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.toString()).toContain('metric_path');
    expect(shop[0]!.requests.length).toBe(before);
  });

  it('passes a good metric_path on to the instances', async () => {
    const res = await get(`${stack.url}/v1/apps/acme/prod/shop/metrics?metric_path=/actuator/prometheus`);
    expect(res.status).toBe(200);
    expect(shop[1]!.paths.at(-1)).toBe('/actuator/prometheus');
  });

  it('answers 405 to another method on an app route', async () => {
    const res = await get(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {}, 'POST');
    expect(res.status).toBe(405);
  });

  it('keeps answering when instances fail (500, refused), with failure series', async () => {
    const res = await get(`${stack.url}/v1/apps/acme/prod/flaky/metrics`, { Accept: 'text/plain' });
    expect(res.status).toBe(200);
    const text = res.body.toString();
    expect(text).toMatch(/http_requests_total\{[^}]*app_name="flaky",index="0"[^}]*\} 10/);
    expect(text).toMatch(/promfetcher_scrape_error\{[^}]*index="1"[^}]*reason="status_5xx"\} 1/);
    expect(text).toMatch(/promfetcher_scrape_error\{[^}]*index="2"[^}]*reason="connect"\} 1/);
    const own = (await get(`${stack.url}/metrics`)).body.toString();
    expect(own).toMatch(
      /promfetch_metric_fetch_failed_total\{[^}]*app_name="flaky",index="1",instance_id="1"\} 1/,
    );
    expect(own).toMatch(/promfetch_metric_fetch_success_total\{[^}]*app_name="flaky"\} 1/);
    expect(own).toMatch(
      /promfetcher_target_scrape_duration_seconds_count\{kind="instance",outcome="connect"\} 1/,
    );
  });

  it('answers within the caller timeout and reports the slow instance', async () => {
    const started = Date.now();
    const res = await get(`${stack.url}/v1/apps/acme/prod/slow/metrics`, {
      'X-Prometheus-Scrape-Timeout-Seconds': '2',
      Accept: 'text/plain',
    });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    // deadline = 2 s minus the margin (min(0.5 s, 10 %) = 0.2 s): the answer comes before the caller gives up
    expect(elapsed).toBeLessThan(2_000);
    expect(elapsed).toBeGreaterThanOrEqual(1_750);
    const text = res.body.toString();
    expect(text).toMatch(/promfetcher_scrape_error\{[^}]*app_name="slow",index="1"[^}]*reason="timeout"\} 1/);
    expect(text).toMatch(/http_requests_total\{[^}]*app_name="slow",index="0"/);
    const headers = fastOfSlowApp.requests.at(-1)!;
    expect(Number(headers['x-prometheus-scrape-timeout-seconds'])).toBeLessThanOrEqual(1.8);
  });

  it('forwards Authorization and end-to-end headers, never hop-by-hop headers, Host or Cookie', async () => {
    const res = await get(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {
      Authorization: 'Bearer app-token',
      'X-Custom': 'kept',
      'X-Forwarded-For': '10.1.2.3',
      Connection: 'keep-alive, X-Secret-Hop',
      'X-Secret-Hop': 'dropped',
      'Keep-Alive': 'timeout=5',
      'Proxy-Authorization': 'Basic cHJveHk6cHJveHk=',
      Upgrade: 'h2c',
      Cookie: 'session=abc',
      TE: 'trailers',
    });
    expect(res.status).toBe(200);
    const seen = shop[2]!.requests.at(-1)!;
    expect(seen['authorization']).toBe('Bearer app-token');
    expect(seen['x-custom']).toBe('kept');
    expect(seen['x-forwarded-for']).toBe('10.1.2.3, 127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['host']).toBe('shop.apps.example.com');
    expect(seen['accept']).toMatch(/^application\/openmetrics-text/);
    for (const h of ['x-secret-hop', 'keep-alive', 'proxy-authorization', 'upgrade', 'cookie', 'te']) {
      expect([h, seen[h]]).toEqual([h, undefined]);
    }
  });

  it('reuses connections to instances over 10 scrapes', async () => {
    const before = shop.map((s) => s.connections);
    for (let i = 0; i < 10; i++)
      expect((await get(`${stack.url}/v1/apps/acme/prod/shop/metrics`)).status).toBe(200);
    expect(shop.map((s, i) => s.connections - before[i]!)).toEqual([0, 0, 0]);
    expect(shop.every((s) => s.connections === 1)).toBe(true);
  });

  it('guards /routes with basic auth and dumps the table as escaped JSON', async () => {
    expect((await get(`${stack.url}/routes`)).status).toBe(401);
    const wrong = await get(`${stack.url}/routes`, {
      Authorization: `Basic ${Buffer.from('ops:nope').toString('base64')}`,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic /);
    stack.table.register(
      'quote"d.apps.example.com',
      anEndpoint({ address: '127.0.0.1:1', tags: appTags({ app: 'q"uote' }) }),
    );
    const res = await get(`${stack.url}/routes`, {
      Authorization: `Basic ${Buffer.from('ops:s3cret').toString('base64')}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const dump = JSON.parse(res.body.toString()) as Record<
      string,
      { address: string; tags: Record<string, string> }[]
    >;
    expect(dump['shop.apps.example.com']!.map((e) => e.address).sort()).toEqual(
      shop.map((s) => s.address).sort(),
    );
    expect(dump['quote"d.apps.example.com']![0]!.tags['app_name']).toBe('q"uote');
    stack.table.unregister('quote"d.apps.example.com', { address: '127.0.0.1:1' });
  });

  it('serves /doc with real links built on base_url', async () => {
    const res = await get(`${stack.url}/doc`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body.toString();
    expect(html).toContain(
      '<a href="https://promfetcher.example.com/v1/apps/my-org/my-space/my-app/metrics">',
    );
    const hrefs = [...html.matchAll(/href="https:\/\/promfetcher\.example\.com([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThanOrEqual(5);
    for (const href of hrefs) {
      const r = await get(`${stack.url}${href.replace(/&#38;/g, '&')}`);
      expect([href, r.status]).toEqual([href, 404]); // a real route of this server: the example app is unknown
    }
  });

  it('serves its own metrics on /metrics for any method, and logs every request with an id', async () => {
    const res = await get(`${stack.url}/metrics`, {}, 'POST');
    expect(res.status).toBe(200);
    const own = res.body.toString();
    expect(own).toContain('promfetch_latest_time_scrape_route +Inf');
    expect(own).toContain('promfetch_scrape_route_failed_total 0');
    expect(own).toMatch(
      /promfetcher_http_request_duration_seconds_count\{route="\/v1\/apps\/\{id\}\/metrics",method="GET",status="200"\} \d+/,
    );
    expect(own).toContain('process_cpu_user_seconds_total');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await get(`${stack.url}/metrics`, { 'X-Request-Id': 'abc-123' });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    expect(
      stack.logs.some(
        (l) => l.message === 'request' && l.fields['reqId'] === 'abc-123' && l.fields['status'] === 200,
      ),
    ).toBe(true);
  });

  it('reports seconds since the last route update, computed at scrape time', async () => {
    stack.telemetry.tableUpdated('test', Date.now() - 5_000, 3);
    const own = (await get(`${stack.url}/metrics`)).body.toString();
    const value = Number(/^promfetch_latest_time_scrape_route (\S+)$/m.exec(own)![1]);
    expect(value).toBeGreaterThanOrEqual(5);
    expect(value).toBeLessThan(10);
  });

  it('gives answers and own metrics that promtool accepts', async () => {
    for (const path of [
      '/v1/apps/acme/prod/shop/metrics',
      '/v1/apps/acme/prod/flaky/metrics',
      '/v1/apps/acme/prod/slow/metrics',
    ]) {
      const res = await get(`${stack.url}${path}`, {
        Accept: 'text/plain;version=0.0.4',
        'X-Prometheus-Scrape-Timeout-Seconds': '0.5',
      });
      expect(res.status).toBe(200);
      const check = promtool(res.body.toString());
      expect([path, check.ok, check.output]).toEqual([path, true, '']);
    }
    // prom-client's own process metrics break one lint rule (its names, not ours): nothing else may.
    const own = await get(`${stack.url}/metrics`);
    const lines = promtool(own.body.toString())
      .output.split('\n')
      .filter((l) => l.trim() !== '');
    expect(
      lines.filter(
        (l) =>
          !/^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/.test(
            l,
          ),
      ),
    ).toEqual([]);
  });
});
