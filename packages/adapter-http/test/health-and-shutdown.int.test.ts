import http from 'node:http';
import https from 'node:https';
import Koa from 'koa';
import { createHealthApp, HealthState } from '../src/http/health.js';
import { startServer, type ServerHandle } from '../src/http/start-server.js';
import { makeTestPki } from './kit/test-pki.js';

function get(
  url: string,
  agent: http.Agent | false = false,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('health listener', () => {
  let ready = false;
  let stale = false;
  const health = new HealthState(() => ({
    ready,
    stale,
    detail: 'disconnected from NATS; pruning suspended',
  }));
  let handle: ServerHandle;

  beforeAll(async () => {
    handle = await startServer(createHealthApp(health), { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => handle.close(1_000));

  it('is 503 until the route source is ready, 200 ok after (saying so when stale), 503 for good after degrade()', async () => {
    stale = true; // a source that never loaded is 503, stale or not
    const before = await get(`${handle.url}/`);
    expect(before.status).toBe(503);
    expect(before.body).toBe('');
    expect(before.headers['cache-control']).toBe('private, max-age=0');
    expect(before.headers['expires']).toBe('0');
    ready = true;
    stale = false;
    for (const path of ['/', '/health', '/anything/else']) {
      const res = await get(`${handle.url}${path}`);
      expect([path, res.status, res.body]).toEqual([path, 200, 'ok\n']);
      expect(res.headers['cache-control']).toBe('private, max-age=0');
      expect(res.headers['expires']).toBe('0');
    }
    stale = true;
    const whileStale = await get(`${handle.url}/health`);
    expect([whileStale.status, whileStale.body]).toEqual([
      200,
      'ok: route table stale (disconnected from NATS; pruning suspended)\n',
    ]);
    expect(whileStale.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(whileStale.headers['cache-control']).toBe('private, max-age=0');
    stale = false;
    expect((await get(`${handle.url}/`)).body).toBe('ok\n');
    health.degrade();
    const degraded = await get(`${handle.url}/`);
    expect([degraded.status, degraded.body]).toEqual([503, '']);
    stale = true;
    expect((await get(`${handle.url}/`)).status).toBe(503);
    ready = true;
    expect(health.isHealthy()).toBe(false);
  });
});

describe('startServer graceful close', () => {
  it('stops accepting, closes idle keep-alive sockets at once, and lets an in-flight request finish', async () => {
    const app = new Koa();
    let entered: () => void = () => undefined;
    const slowEntered = new Promise<void>((r) => (entered = r));
    app.use(async (ctx) => {
      if (ctx.path === '/slow') {
        entered();
        await new Promise((r) => setTimeout(r, 300));
      }
      ctx.body = `done ${ctx.path}`;
    });
    const handle = await startServer(app, { host: '127.0.0.1', port: 0 });
    const agent = new http.Agent({ keepAlive: true });
    try {
      expect((await get(`${handle.url}/fast`, agent)).body).toBe('done /fast'); // leaves an idle keep-alive socket
      const inFlight = get(`${handle.url}/slow`);
      await slowEntered;
      const started = Date.now();
      const closed = handle.close(5_000);
      const slow = await inFlight;
      expect(slow.status).toBe(200);
      expect(slow.body).toBe('done /slow');
      await closed;
      expect(Date.now() - started).toBeLessThan(1_000);
      await expect(get(`${handle.url}/fast`)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      agent.destroy();
      await handle.close(100);
    }
  });

  it('destroys sockets still busy at the hard deadline', async () => {
    const app = new Koa();
    app.use(async (ctx) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3_000);
        ctx.res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      ctx.body = 'late';
    });
    const handle = await startServer(app, { host: '127.0.0.1', port: 0 });
    const hung = get(`${handle.url}/`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await handle.close(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await hung).toBe('cut');
  });
});

describe('startServer with TLS (enable_ssl)', () => {
  it('serves https with the given certificate and closes', async () => {
    const pki = makeTestPki('promfetcher.test');
    const app = new Koa();
    app.use((ctx) => {
      ctx.body = 'secure';
    });
    const handle = await startServer(app, {
      host: '127.0.0.1',
      port: 0,
      tls: { cert: pki.serverCert, key: pki.serverKey },
    });
    try {
      expect(handle.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`${handle.url}/`, { ca: pki.caCert, servername: 'promfetcher.test', agent: false }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      expect(body).toBe('secure');
    } finally {
      await handle.close(500);
    }
  });
});
