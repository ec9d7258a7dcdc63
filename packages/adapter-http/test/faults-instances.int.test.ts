/**
 * Issue 9, item 1: misbehaving instances behind the real Koa app. Each app has one healthy instance (index 0)
 * and one faulty one (index 1); the caller sends a 2 s scrape timeout. The answer must come in time, be 200,
 * pass the strict parsers and promtool, carry the healthy series and a failure series with the right reason.
 */
import http from 'node:http';
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { answer, startInstance, type InstanceHandler, type InstanceServer } from './kit/instance-server.js';
import { startAppStack, type AppStack } from './kit/app-stack.js';
import {
  hugeBody,
  neverEnds,
  redirectTo,
  resetMidBody,
  slowLoris,
  startCatchAll,
  strictProblems,
  type CatchAllServer,
} from './kit/fault-instances.js';

const DEADLINE_MS = 2_000;
const OM_ACCEPT = 'application/openmetrics-text;version=1.0.0';

async function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; contentType: string; body: string }> {
  const raw = await getRaw(url, headers);
  return { ...raw, body: raw.body.toString('utf8') };
}

function getRaw(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; contentType: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          contentType: String(res.headers['content-type']),
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end();
  });
}

function healthyBody(app: string): string {
  return `# HELP fault_ok_total Healthy.\n# TYPE fault_ok_total counter\nfault_ok_total{app="${app}"} 7\n`;
}

describe('faults: misbehaving instances', () => {
  let stack: AppStack;
  let attacker: CatchAllServer;
  const servers: InstanceServer[] = [];

  async function addApp(name: string, faulty: InstanceHandler): Promise<InstanceServer> {
    const healthy = await startInstance(answer(healthyBody(name)));
    const bad = await startInstance(faulty);
    servers.push(healthy, bad);
    const route = `${name}.apps.example.com`;
    stack.table.register(
      route,
      anEndpoint({ address: healthy.address, tags: appTags({ app: name, index: 0 }) }),
    );
    stack.table.register(route, anEndpoint({ address: bad.address, tags: appTags({ app: name, index: 1 }) }));
    return bad;
  }

  beforeAll(async () => {
    stack = await startAppStack();
    attacker = await startCatchAll();
    await addApp('loris', slowLoris(100));
    await addApp('reset', resetMidBody('# HELP a A.\n# TYPE a counter\na_total 1\nb{x="'));
    await addApp('garbage', (_req, res) => {
      const bytes = Buffer.alloc(4096);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 17) % 256;
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(bytes);
    });
    await addApp(
      'badutf8',
      answer(
        Buffer.concat([Buffer.from('m{l="a'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('b"} 1\n')]),
      ),
    );
    await addApp('neverends', neverEnds('# HELP y Y.\n# TYPE y gauge\ny 1\n'));
    await addApp('notfound', (_req, res) => res.writeHead(404).end('no such page'));
    await addApp('moved', redirectTo(`http://${attacker.address}/metrics`));
    await addApp('huge', hugeBody(100 * 1024 * 1024));
  });

  afterAll(async () => {
    await stack.close();
    for (const s of servers) await s.close();
    await attacker.close();
  });

  it.each([
    ['loris', 'timeout'],
    // ECONNRESET mid-body is classified with the connection errors
    ['reset', 'connect'],
    ['garbage', 'parse'],
    ['neverends', 'timeout'],
    ['notfound', 'status_4xx'],
    ['moved', 'redirect'],
  ])('%s: answers in time, valid, reason=%s, healthy series kept', async (app, reason) => {
    for (const accept of ['text/plain;version=0.0.4', OM_ACCEPT]) {
      const started = Date.now();
      const res = await get(`${stack.url}/v1/apps/acme/prod/${app}/metrics`, {
        'X-Prometheus-Scrape-Timeout-Seconds': String(DEADLINE_MS / 1000),
        Accept: accept,
      });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(DEADLINE_MS + 1_000);
      expect(res.status).toBe(200);
      expect(strictProblems(res.body, res.contentType)).toEqual([]);
      expect(res.body).toMatch(new RegExp(`fault_ok_total\\{app="${app}",[^}]*index="0"[^}]*\\} 7`));
      expect(res.body).toMatch(
        new RegExp(`promfetcher_scrape_error\\{[^}]*app_name="${app}",index="1"[^}]*reason="${reason}"\\} 1`),
      );
    }
  });

  // exposition-formats.md: "Invalid UTF-8 is an error": the scraper decodes strictly, so the instance fails
  // with reason="parse" and no replacement character (U+FFFD) ever reaches the answer.
  it('badutf8: invalid UTF-8 fails that instance with reason=parse; the answer stays valid and in time', async () => {
    for (const accept of ['text/plain;version=0.0.4', OM_ACCEPT]) {
      const started = Date.now();
      const res = await getRaw(`${stack.url}/v1/apps/acme/prod/badutf8/metrics`, {
        'X-Prometheus-Scrape-Timeout-Seconds': String(DEADLINE_MS / 1000),
        Accept: accept,
      });
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_000);
      expect(res.status).toBe(200);
      const text = res.body.toString('utf8');
      expect(Buffer.from(text, 'utf8').equals(res.body)).toBe(true);
      expect(strictProblems(text, res.contentType)).toEqual([]);
      expect(text).toMatch(/fault_ok_total\{app="badutf8",[^}]*index="0"[^}]*\} 7/);
      expect(text).toMatch(
        /promfetcher_scrape_error\{[^}]*app_name="badutf8",index="1"[^}]*reason="parse"\} 1/,
      );
      expect(text).not.toContain('\uFFFD');
    }
  });

  it('never follows a redirect to another host', () => {
    expect(attacker.connections).toBe(0);
    expect(attacker.requests).toEqual([]);
  });

  it('keeps memory bounded while 5 requests hit a 100 MB-body instance (body limit cuts it off)', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        get(`${stack.url}/v1/apps/acme/prod/huge/metrics`, {
          'X-Prometheus-Scrape-Timeout-Seconds': String(DEADLINE_MS / 1000),
          Accept: 'text/plain;version=0.0.4',
        }),
      ),
    );
    const growth = process.memoryUsage().rss - before;
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.body).toMatch(
        /promfetcher_scrape_error\{[^}]*app_name="huge",index="1"[^}]*reason="body_too_large"\} 1/,
      );
      expect(res.body).toMatch(/fault_ok_total\{app="huge",/);
    }
    expect(growth).toBeLessThan(200 * 1024 * 1024);
  });
});
