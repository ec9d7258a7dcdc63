/**
 * Single-flight on the real stack: instances that hold their answer until the test releases them, so every
 * caller is provably in flight at once (counted through promfetcher's own metrics, no sleeps).
 */
import type http from 'node:http';
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { startInstance, type InstanceServer } from './kit/instance-server.js';
import { startAppStack, type AppStack } from './kit/app-stack.js';

interface Gate {
  release(): void;
  handler(req: http.IncomingMessage, res: http.ServerResponse): void;
}

function gate(value: number): Gate {
  let open = false;
  const held: http.ServerResponse[] = [];
  const send = (res: http.ServerResponse): void => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE work_total counter\nwork_total ${value}\n`);
  };
  return {
    release() {
      open = true;
      for (const res of held.splice(0)) send(res);
    },
    handler(_req, res) {
      if (open) send(res);
      else held.push(res);
    },
  };
}

async function counter(stack: AppStack, name: string): Promise<number> {
  const text = await (await fetch(`${stack.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('single-flight', () => {
  let stack: AppStack;
  let off: AppStack;
  const instances: InstanceServer[] = [];
  const gates: Gate[] = [];

  beforeAll(async () => {
    stack = await startAppStack({ fetch: { accountingSeries: false } });
    off = await startAppStack({ app: { singleFlight: false } });
    for (let i = 0; i < 2; i++) {
      const g = gate(i);
      gates.push(g);
      instances.push(await startInstance(g.handler));
    }
    for (const s of [stack, off]) {
      instances.forEach((inst, i) =>
        s.table.register(
          'shop.example.com',
          anEndpoint({ address: inst.address, tags: appTags({ index: i }) }),
        ),
      );
    }
  });

  afterAll(async () => {
    for (const g of gates) g.release();
    await stack.close();
    await off.close();
    for (const s of instances) await s.close();
  });

  function scraped(): number[] {
    return instances.map((s) => s.paths.length);
  }

  it('100 concurrent requests for one app (by names, GUID and route) cost each instance one scrape', async () => {
    const before = scraped();
    const leaders = await counter(stack, 'promfetcher_single_flight_leader_total');
    const shared = await counter(stack, 'promfetcher_single_flight_shared_total');
    const paths = ['acme/prod/shop', appTags().app_id!, 'shop.example.com'];
    const answers = Array.from({ length: 100 }, (_, i) =>
      fetch(`${stack.url}/v1/apps/${paths[i % 3]!}/metrics`).then(
        async (r) => [r.status, await r.text()] as const,
      ),
    );
    await until(
      '99 shared',
      async () => (await counter(stack, 'promfetcher_single_flight_shared_total')) - shared === 99,
    );
    for (const g of gates) g.release();
    const results = await Promise.all(answers);
    for (const [status, text] of results) {
      expect(status).toBe(200);
      expect(text).toBe(results[0]![1]);
    }
    expect(results[0]![1]).toContain('work_total{');
    expect(scraped().map((n, i) => n - before[i]!)).toEqual([1, 1]);
    expect((await counter(stack, 'promfetcher_single_flight_leader_total')) - leaders).toBe(1);
  });

  it('callers with different Authorization never share', async () => {
    reset();
    const before = scraped();
    const shared = await counter(stack, 'promfetcher_single_flight_shared_total');
    const a = fetch(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {
      headers: { Authorization: 'Bearer a' },
    });
    const b = fetch(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {
      headers: { Authorization: 'Bearer b' },
    });
    const a2 = fetch(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {
      headers: { Authorization: 'Bearer a' },
    });
    await until('two scrapes per instance', () => scraped().every((n, i) => n - before[i]! >= 2));
    await until(
      'a2 joined a',
      async () => (await counter(stack, 'promfetcher_single_flight_shared_total')) - shared === 1,
    );
    for (const g of gates) g.release();
    expect((await Promise.all([a, b, a2])).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(scraped().map((n, i) => n - before[i]!)).toEqual([2, 2]);
    const seen = instances[0]!.requests.slice(before[0]!).map((h) => h['authorization']);
    expect(seen.sort()).toEqual(['Bearer a', 'Bearer b']);
  });

  it('a caller whose deadline ends first runs its own fan-out', async () => {
    reset();
    const before = scraped();
    const bypassed = await counter(stack, 'promfetcher_single_flight_bypassed_total');
    const long = fetch(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {
      headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '20' },
    });
    await until('first scrape', () => scraped()[0]! - before[0]! === 1);
    const short = fetch(`${stack.url}/v1/apps/acme/prod/shop/metrics`, {
      headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '5' },
    });
    await until('second scrape', () => scraped().every((n, i) => n - before[i]! === 2));
    expect((await counter(stack, 'promfetcher_single_flight_bypassed_total')) - bypassed).toBe(1);
    for (const g of gates) g.release();
    expect((await Promise.all([long, short])).map((r) => r.status)).toEqual([200, 200]);
  });

  it('switched off, every request fans out', async () => {
    reset();
    const before = scraped();
    const answers = Array.from({ length: 10 }, () => fetch(`${off.url}/v1/apps/acme/prod/shop/metrics`));
    await until('10 scrapes per instance', () => scraped().every((n, i) => n - before[i]! === 10));
    for (const g of gates) g.release();
    expect((await Promise.all(answers)).every((r) => r.status === 200)).toBe(true);
  });

  function reset(): void {
    gates.splice(0);
    instances.forEach((inst, i) => {
      const g = gate(i);
      gates.push(g);
      inst.setHandler(g.handler);
    });
  }
});
