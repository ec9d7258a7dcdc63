import http from 'node:http';
import { RouteTable } from '@promfetcher/core';
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { createApp, type MetricsFetcher } from '../src/http/create-app.js';
import { startServer, type ServerHandle } from '../src/http/start-server.js';
import { PromTelemetry } from '../src/telemetry/prom-telemetry.js';
import { realClock, recordingLogger, startAppStack, type LogLine } from './kit/app-stack.js';
import { httpGet as get } from './kit/http-get.js';
import { startInstance } from './kit/instance-server.js';

describe('createApp edges', () => {
  let handle: ServerHandle;
  const logs: LogLine[] = [];

  beforeAll(async () => {
    const fetcher: MetricsFetcher = {
      execute: () => Promise.reject(new Error('db password hunter2 rejected at 10.0.0.9')),
    };
    const routes = new RouteTable(realClock);
    routes.register('shop.apps.example.com', anEndpoint());
    const app = createApp({
      fetcher,
      routes,
      telemetry: new PromTelemetry({ defaultMetrics: false }),
      logger: recordingLogger(logs),
      broker: async (ctx, next) => {
        if (ctx.path === '/broker/v2/catalog') ctx.body = { services: [] };
        else await next();
      },
    });
    handle = await startServer(app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => handle.close(500));

  it('answers an unexpected failure with a generic 500 and logs the details', async () => {
    const res = await get(`${handle.url}/v1/apps/acme/prod/shop/metrics`);
    expect(res.status).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('10.0.0.9');
    const line = logs.find((l) => l.level === 'error');
    expect(String((line?.fields['err'] as Error).message)).toContain('hunter2');
  });

  it('mounts the broker middleware under /broker only', async () => {
    const res = await get(`${handle.url}/broker/v2/catalog`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ services: [] });
    expect((await get(`${handle.url}/brokerx/v2/catalog`)).status).toBe(404);
  });

  it('refuses /routes when no credentials are configured, whatever is sent', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      http
        .get(
          `${handle.url}/routes`,
          { agent: false, headers: { Authorization: `Basic ${Buffer.from(':').toString('base64')}` } },
          (r) => {
            r.resume();
            resolve(r.statusCode!);
          },
        )
        .on('error', reject);
    });
    expect(res).toBe(401);
  });
});

describe('a caller that goes away', () => {
  it('aborts the scrapes of its fan-out', async () => {
    let instanceClosed: (at: number) => void = () => undefined;
    const closedAt = new Promise<number>((r) => (instanceClosed = r));
    const slow = await startInstance((_req, res) => {
      const timer = setTimeout(() => res.end('up 1\n'), 10_000);
      res.once('close', () => {
        clearTimeout(timer);
        instanceClosed(Date.now());
      });
    });
    const stack = await startAppStack();
    stack.table.register('slow.apps.example.com', anEndpoint({ address: slow.address, tags: appTags() }));
    try {
      const req = http.get(`${stack.url}/v1/apps/acme/prod/shop/metrics`, { agent: false });
      req.on('error', () => undefined);
      await new Promise((r) => setTimeout(r, 200));
      const gone = Date.now();
      req.destroy();
      expect((await closedAt) - gone).toBeLessThan(1_000);
    } finally {
      await stack.close();
      await slow.close();
    }
  });
});
