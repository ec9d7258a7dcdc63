/**
 * Issue 9, item 3: hostile requests. SSRF and header-injection attempts through `metric_path`, `route_url`
 * and app identifiers are refused, and no request leaves the process except to addresses in the route table:
 * a catch-all "attacker" server on another loopback port, named in the hostile values, must see nothing.
 * `/routes` refuses missing or wrong credentials, and no secret shows in error bodies or log lines.
 */
import http from 'node:http';
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { answer, startInstance, type InstanceServer } from './kit/instance-server.js';
import { startAppStack, type AppStack } from './kit/app-stack.js';
import { startCatchAll, type CatchAllServer } from './kit/fault-instances.js';

const TOKEN = 'Bearer tok-9f8e7d6c5b4a';
const ROUTES_PASS = 'rp-0c1d2e3f4a5b';

/** A raw request line (`path` goes on the wire exactly as given), answer as text. */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = http.request({ hostname, port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('faults: hostile requests', () => {
  let stack: AppStack;
  let attacker: CatchAllServer;
  let shop: InstanceServer;
  const bodies: string[] = [];

  beforeAll(async () => {
    stack = await startAppStack({ app: { routesAuth: { user: 'ops', pass: ROUTES_PASS } } });
    attacker = await startCatchAll();
    shop = await startInstance(answer('# TYPE up_total counter\nup_total 1\n'));
    stack.table.register(
      'shop.apps.example.com',
      anEndpoint({ address: shop.address, tags: appTags({ index: 0 }) }),
    );
  });

  afterAll(async () => {
    await stack.close();
    await shop.close();
    await attacker.close();
  });

  /** Hostile values, each naming the attacker's address. `expected` per parameter: metric_path, route_url, app. */
  function hostileCases(): [string, number, number][] {
    const a = attacker.address;
    // route_url / app values are only lookup keys in the route table: an unknown one is a harmless 404 (no
    // request is made); a shape that is never a valid key (control character, ".." segment) is a 400.
    return [
      [`http://${a}/metrics`, 400, 404],
      [`https://${a}/metrics`, 400, 404],
      [`//${a}/metrics`, 400, 404],
      [`/metrics@${a}`, 400, 404],
      [`@${a}/metrics`, 400, 404],
      [`/%2F${a}/metrics`, 400, 404],
      [`/%2F../../metrics`, 400, 400],
      [`/%2e%2e/%2e%2e/metrics`, 400, 404],
      [`/..%2F..%2Fmetrics`, 400, 404],
      [`/metrics\r\nHost: ${a}`, 400, 400],
      [`/metrics\nX-Injected: 1`, 400, 400],
      [`\\\\${a}\\metrics`, 400, 404],
      [`/metrics#@${a}`, 400, 404],
      [`/metrics?x=@${a}`, 400, 404],
      // encoded CR/LF, Unicode look-alikes and overlong UTF-8: refused by validateMetricPath
      [`/metrics%0d%0aHost:%20${a}`, 400, 404],
      [`／／${a}／metrics`, 400, 404],
      [`/%c0%af%c0%af${a}/metrics`, 400, 404],
    ];
  }

  it('refuses SSRF and header-injection values in metric_path, route_url and app', async () => {
    for (const [value, metricPathStatus, idStatus] of hostileCases()) {
      const before = shop.paths.length;
      const byPath = await rawGet(
        stack.url,
        `/v1/apps/acme/prod/shop/metrics?metric_path=${encodeURIComponent(value)}`,
        { Authorization: TOKEN },
      );
      expect([value, byPath.status]).toEqual([value, metricPathStatus]);
      bodies.push(byPath.body);
      if (metricPathStatus === 400) {
        expect(shop.paths.length).toBe(before);
      } else {
        // the only request made went to the instance from the table; no CR/LF or "//" host on the wire
        expect(shop.paths.length).toBe(before + 1);
        const sent = shop.paths.at(-1)!;
        expect(sent.startsWith('/') && !sent.startsWith('//')).toBe(true);
        expect(sent).not.toMatch(/[\r\n]/);
      }
      for (const param of ['route_url', 'app']) {
        const r = await rawGet(stack.url, `/v1/apps/metrics?${param}=${encodeURIComponent(value)}`, {
          Authorization: TOKEN,
        });
        expect([param, value, r.status]).toEqual([param, value, idStatus]);
        bodies.push(r.body);
      }
      const byId = await rawGet(stack.url, `/v2/apps/${encodeURIComponent(value)}/metrics`, {
        Authorization: TOKEN,
      });
      // a path-segment id is a lookup key too: malformed → 400, unknown → 404; never a scrape
      expect([value, [400, 404].includes(byId.status)]).toEqual([value, true]);
      bodies.push(byId.body);
    }
  });

  it('refuses a 100 KB value before routing (Node header limit: 431)', async () => {
    const long = `/${'a'.repeat(100_000)}`;
    for (const q of [`metric_path=${long}`, `route_url=${long}`, `app=${long}`]) {
      const r = await rawGet(stack.url, `/v1/apps/acme/prod/shop/metrics?${q}`, { Authorization: TOKEN });
      expect(r.status).toBe(431);
    }
  });

  it('/routes refuses missing and wrong credentials with 401, accepts the right ones', async () => {
    const none = await rawGet(stack.url, '/routes');
    const wrong = await rawGet(stack.url, '/routes', {
      Authorization: `Basic ${Buffer.from('ops:wrong').toString('base64')}`,
    });
    const otherUser = await rawGet(stack.url, '/routes', {
      Authorization: `Basic ${Buffer.from(`root:${ROUTES_PASS}`).toString('base64')}`,
    });
    const bearer = await rawGet(stack.url, '/routes', { Authorization: `Bearer ${ROUTES_PASS}` });
    for (const r of [none, wrong, otherUser, bearer]) {
      expect(r.status).toBe(401);
      bodies.push(r.body);
    }
    const good = await rawGet(stack.url, '/routes', {
      Authorization: `Basic ${Buffer.from(`ops:${ROUTES_PASS}`).toString('base64')}`,
    });
    expect(good.status).toBe(200);
    expect(good.body).toContain('shop.apps.example.com');
  });

  it('sent nothing to the attacker, and no secret appears in error bodies or logs', async () => {
    expect(attacker.connections).toBe(0);
    expect(attacker.requests).toEqual([]);
    expect(bodies.length).toBeGreaterThan(50);
    const secrets = [
      TOKEN,
      'tok-9f8e7d6c5b4a',
      ROUTES_PASS,
      Buffer.from(`ops:${ROUTES_PASS}`).toString('base64'),
    ];
    // one ordinary scrape with the token: it is forwarded to the table's instance (and must appear nowhere else)
    const legit = await rawGet(stack.url, '/v1/apps/acme/prod/shop/metrics', { Authorization: TOKEN });
    expect(legit.status).toBe(200);
    bodies.push(legit.body);
    const logText = JSON.stringify(stack.logs);
    expect(stack.logs.length).toBeGreaterThan(0);
    // the token was really in flight (forwarded to the table's instance), so its absence below means something
    expect(shop.requests.some((h) => h.authorization === TOKEN)).toBe(true);
    for (const secret of secrets) {
      expect(bodies.filter((b) => b.includes(secret))).toEqual([]);
      expect(logText).not.toContain(secret);
    }
  });
});
