import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { ScrapeRequest, ScrapeTarget } from '@promfetcher/core';
import { GotTargetScraper } from '../src/scraper/got-target-scraper.js';
import { answer, startInstance, type InstanceServer } from './kit/instance-server.js';
import { makeTestPki, type TestPki } from './kit/test-pki.js';

const BODY = '# TYPE up gauge\nup 1\n';
const SAN = '6f0c1c7e-1111-4222-8333-444455556666';

function request(
  target: Partial<ScrapeTarget> & { url: string },
  extra: Partial<ScrapeRequest> = {},
): ScrapeRequest {
  return {
    target: { hostHeader: 'shop.apps.example.com', kind: 'instance', ...target },
    headers: { Accept: 'text/plain', Authorization: 'Bearer t0ken' },
    timeoutMs: 2_000,
    ...extra,
  };
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('GotTargetScraper (real loopback instances)', () => {
  let plain: InstanceServer;
  let other: InstanceServer;
  let scraper: GotTargetScraper;

  beforeAll(async () => {
    plain = await startInstance(answer(BODY));
    other = await startInstance(answer(BODY));
    scraper = new GotTargetScraper({ maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => {
    scraper.close();
    await plain.close();
    await other.close();
  });
  beforeEach(() => plain.setHandler(answer(BODY)));

  it('returns the body and content type, sends Host, the marker and the request headers', async () => {
    const result = await scraper.scrape(request({ url: `http://${plain.address}/metrics` }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.body).toBe(BODY);
    expect(result.value.contentType).toBe('text/plain; version=0.0.4');
    const seen = plain.requests.at(-1)!;
    expect(seen['host']).toBe('shop.apps.example.com');
    expect(seen['authorization']).toBe('Bearer t0ken');
    expect(seen['accept']).toBe('text/plain');
    expect(seen['x-promfetcher-scrapping']).toBe('true');
    expect(seen['accept-encoding']).toMatch(/gzip/);
  });

  it('decompresses a gzip body', async () => {
    plain.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(BODY));
    });
    const result = await scraper.scrape(request({ url: `http://${plain.address}/metrics` }));
    expect(result.ok && result.value.body).toBe(BODY);
  });

  it.each([
    [500, 'status_5xx'],
    [503, 'status_5xx'],
    [404, 'status_4xx'],
    [401, 'status_4xx'],
  ])('maps status %i to %s', async (status, reason) => {
    plain.setHandler((_req, res) => {
      res.writeHead(status);
      res.end('nope');
    });
    const result = await scraper.scrape(request({ url: `http://${plain.address}/metrics` }));
    expect(!result.ok && result.error.reason).toBe(reason);
    expect(!result.ok && result.error.status).toBe(status);
  });

  it('maps a refused connection to connect', async () => {
    const port = await closedPort();
    const result = await scraper.scrape(request({ url: `http://127.0.0.1:${port}/metrics` }));
    expect(!result.ok && result.error.reason).toBe('connect');
  });

  it('fails a slow instance with timeout within the deadline', async () => {
    plain.setHandler((_req, res) => {
      const t = setTimeout(() => res.end(BODY), 3_000);
      res.once('close', () => clearTimeout(t));
    });
    const started = Date.now();
    const result = await scraper.scrape(
      request({ url: `http://${plain.address}/metrics` }, { timeoutMs: 200 }),
    );
    expect(!result.ok && result.error.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('fails with timeout when the caller aborts', async () => {
    plain.setHandler((_req, res) => {
      const t = setTimeout(() => res.end(BODY), 3_000);
      res.once('close', () => clearTimeout(t));
    });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const result = await scraper.scrape(
      request({ url: `http://${plain.address}/metrics` }, { signal: abort.signal }),
    );
    expect(!result.ok && result.error.reason).toBe('timeout');
  });

  it('hands over the body as bytes and as a string, a UTF-8 byte order mark dropped', async () => {
    plain.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('up{app="é"} 1\n')]));
    });
    const result = await scraper.scrape(request({ url: `http://${plain.address}/metrics` }));
    if (!result.ok) throw result.error;
    expect(result.value.body).toBe('up{app="é"} 1\n');
    expect(Buffer.from(result.value.bytes!).toString('utf8')).toBe('up{app="é"} 1\n');
    expect(result.value.contentType).toBe('text/plain; version=0.0.4');
  });

  it('cuts off a body over the limit, plain or as a gzip bomb', async () => {
    const big = 'x'.repeat(100 * 1024);
    plain.setHandler(answer(big));
    const r1 = await scraper.scrape(request({ url: `http://${plain.address}/metrics` }));
    expect(!r1.ok && r1.error.reason).toBe('body_too_large');
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x61));
    expect(bomb.length).toBeLessThan(64 * 1024);
    plain.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(bomb);
    });
    const r2 = await scraper.scrape(request({ url: `http://${plain.address}/metrics` }));
    expect(!r2.ok && r2.error.reason).toBe('body_too_large');
    // chunked, no Content-Length: counted while streaming
    plain.setHandler((_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write('y'.repeat(16 * 1024));
      res.end();
    });
    const r3 = await scraper.scrape(request({ url: `http://${plain.address}/metrics` }));
    expect(!r3.ok && r3.error.reason).toBe('body_too_large');
  });

  it('follows one redirect on the same host, refuses a second one and another host', async () => {
    plain.setHandler((req, res) => {
      if (req.url === '/metrics') res.writeHead(302, { Location: '/actuator/prometheus' }).end();
      else if (req.url === '/actuator/prometheus') answer(BODY)(req, res);
      else if (req.url === '/loop') res.writeHead(301, { Location: '/loop2' }).end();
      else if (req.url === '/loop2') res.writeHead(301, { Location: '/actuator/prometheus' }).end();
      else res.writeHead(302, { Location: `http://${other.address}/metrics` }).end();
    });
    const once = await scraper.scrape(request({ url: `http://${plain.address}/metrics` }));
    expect(once.ok && once.value.body).toBe(BODY);
    const twice = await scraper.scrape(request({ url: `http://${plain.address}/loop` }));
    expect(!twice.ok && twice.error.reason).toBe('redirect');
    const before = other.requests.length;
    const away = await scraper.scrape(request({ url: `http://${plain.address}/away` }));
    expect(!away.ok && away.error.reason).toBe('redirect');
    expect(other.requests.length).toBe(before);
  });

  it('reuses keep-alive connections', async () => {
    const fresh = await startInstance(answer(BODY));
    try {
      for (let i = 0; i < 10; i++) {
        const r = await scraper.scrape(request({ url: `http://${fresh.address}/metrics` }));
        expect(r.ok).toBe(true);
      }
      expect(fresh.requests.length).toBe(10);
      expect(fresh.connections).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('bounds concurrent instance requests globally', async () => {
    const slow = await startInstance((_req, res) => {
      setTimeout(() => answer(BODY)(_req, res), 50);
    });
    const bounded = new GotTargetScraper({ maxConcurrentScrapes: 2 });
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => bounded.scrape(request({ url: `http://${slow.address}/metrics` }))),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(slow.maxConcurrent).toBe(2);
    } finally {
      bounded.close();
      await slow.close();
    }
  });

  it('fails a target that waits for a permit past its deadline', async () => {
    const slow = await startInstance((_req, res) => {
      setTimeout(() => answer(BODY)(_req, res), 300);
    });
    const bounded = new GotTargetScraper({ maxConcurrentScrapes: 1 });
    try {
      const [a, b] = await Promise.all([
        bounded.scrape(request({ url: `http://${slow.address}/metrics` }, { timeoutMs: 2_000 })),
        bounded.scrape(request({ url: `http://${slow.address}/metrics` }, { timeoutMs: 100 })),
      ]);
      expect(a.ok).toBe(true);
      expect(!b.ok && b.error.reason).toBe('timeout');
    } finally {
      bounded.close();
      await slow.close();
    }
  });
});

describe('GotTargetScraper over TLS', () => {
  let pki: TestPki;
  let secure: InstanceServer;
  let mtls: InstanceServer;

  beforeAll(async () => {
    pki = makeTestPki(SAN);
    secure = await startInstance(answer(BODY), { cert: pki.serverCert, key: pki.serverKey });
    mtls = await startInstance(answer(BODY), {
      cert: pki.serverCert,
      key: pki.serverKey,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: true,
    });
  });
  afterAll(async () => {
    await secure.close();
    await mtls.close();
  });

  it('verifies the certificate against server_cert_domain_san, not the address or Host', async () => {
    const scraper = new GotTargetScraper({ caCerts: pki.caCert });
    try {
      const good = await scraper.scrape(
        request({ url: `https://${secure.address}/metrics`, serverName: SAN }),
      );
      expect(good.ok && good.value.body).toBe(BODY);
      expect(secure.requests.at(-1)!['host']).toBe('shop.apps.example.com');
      const wrong = await scraper.scrape(
        request({ url: `https://${secure.address}/metrics`, serverName: 'other-instance-guid' }),
      );
      expect(!wrong.ok && wrong.error.reason).toBe('tls');
      const none = await scraper.scrape(request({ url: `https://${secure.address}/metrics` }));
      expect(!none.ok && none.error.reason).toBe('tls');
    } finally {
      scraper.close();
    }
  });

  it('fails with tls for an unknown CA, and accepts anything with skip_ssl_validation', async () => {
    const strict = new GotTargetScraper();
    const lax = new GotTargetScraper({ skipTlsVerification: true });
    try {
      const unknownCa = await strict.scrape(
        request({ url: `https://${secure.address}/metrics`, serverName: SAN }),
      );
      expect(!unknownCa.ok && unknownCa.error.reason).toBe('tls');
      const skipped = await lax.scrape(
        request({ url: `https://${secure.address}/metrics`, serverName: 'other-instance-guid' }),
      );
      expect(skipped.ok).toBe(true);
    } finally {
      strict.close();
      lax.close();
    }
  });

  it('presents the client certificate to an instance that requires one', async () => {
    const withCert = new GotTargetScraper({
      caCerts: pki.caCert,
      clientCert: { certChain: pki.clientCert, privateKey: pki.clientKey },
    });
    const without = new GotTargetScraper({ caCerts: pki.caCert });
    try {
      const ok = await withCert.scrape(request({ url: `https://${mtls.address}/metrics`, serverName: SAN }));
      expect(ok.ok).toBe(true);
      const refused = await without.scrape(
        request({ url: `https://${mtls.address}/metrics`, serverName: SAN }),
      );
      expect(refused.ok).toBe(false);
    } finally {
      withCert.close();
      without.close();
    }
  });
});
