/**
 * fetchGorouterRoutes reading a body that arrives in many chunks while it yields between slices: every byte
 * is parsed, whatever the chunking and however often the slice budget runs out (a regression: the last
 * chunk's unparsed rest was lost when 'end' came while the response was paused, "body ends early").
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchGorouterRoutes } from '../src/fetch-gorouter-routes.js';

function routesBody(routes: number): string {
  const table: Record<string, unknown[]> = {};
  for (let r = 0; r < routes; r++) {
    table[`app-${r}.apps.example.com`] = [
      {
        address: `10.0.${r >> 8}.${r & 255}:61000`,
        ttl: 120,
        tags: { app_id: `guid-${r}`, app_name: `app-${r}`, instance_id: '0', space_name: 'prod' },
      },
    ];
  }
  return JSON.stringify(table);
}

describe('fetchGorouterRoutes with a chunked body and tiny slices', () => {
  let server: http.Server;
  let port = 0;
  let chunkBytes = 1;
  const body = Buffer.from(routesBody(300));

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let at = 0;
      const write = (): void => {
        if (at >= body.length) {
          res.end();
          return;
        }
        res.write(body.subarray(at, Math.min(at + chunkBytes, body.length)));
        at += chunkBytes;
        setImmediate(write);
      };
      write();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each([700, 3000, 5000, 64 * 1024])(
    'reads every route with %d-byte chunks and a 0 ms slice',
    async (size) => {
      chunkBytes = size;
      for (let round = 0; round < 5; round++) {
        const entries = await fetchGorouterRoutes(
          { host: '127.0.0.1', port, user: 'u', pass: 'p' },
          { timeoutMs: 10_000, maxBodyBytes: 10 * 1024 * 1024, defaultTtlSeconds: 120, sliceMs: 0 },
        );
        expect(entries.length).toBe(300);
      }
    },
  );
});
