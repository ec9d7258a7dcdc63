import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Endpoint } from '@promfetcher/core';

/**
 * How the fake answers `/routes` (after the basic-auth check, which always applies):
 * - `ok`: 200 with the routes JSON, streamed in chunks, `Connection: close`, ending with a newline (spec §1.1);
 * - `status500`: 500; `garbage`: 200 with an HTML page; `slow`: `ok` after `slowMs`;
 * - `truncated`: 200, half the body, then a clean end (no Content-Length: only the JSON shows it);
 * - `reset`: 200 with the full Content-Length, half the body, then the socket is destroyed.
 */
export type FakeGorouterMode = 'ok' | 'status500' | 'garbage' | 'slow' | 'truncated' | 'reset';

export interface FakeGorouter {
  readonly host: string;
  readonly port: number;
  /** Requests received on `/routes`, authorized or not. */
  readonly requests: number;
  mode: FakeGorouterMode;
  slowMs: number;
  /** Replaces the whole table (route key → endpoint objects or `"ip:port"` strings). */
  setRoutes(routes: Record<string, unknown[]>): void;
  /** Serves this exact body (for the big-body bench). */
  setBody(body: string): void;
  /** Adds or replaces (by address) an endpoint under a key, in gorouter's JSON shape. */
  announce(uri: string, endpoint: Endpoint): void;
  /** Removes the endpoint with this address from the key; drops the key when empty, as gorouter does. */
  withdraw(uri: string, address: string): void;
  close(): Promise<void>;
}

export interface FakeGorouterOptions {
  readonly user?: string;
  readonly pass?: string;
  /** Serve https with this certificate. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** gorouter's JSON for an endpoint (spec §1.2), field order as Go writes them. */
export function toGorouterJson(endpoint: Endpoint): Record<string, unknown> {
  return {
    address: endpoint.address,
    availability_zone: endpoint.availabilityZone ?? '',
    protocol: endpoint.protocol ?? 'http1',
    tls: endpoint.tls,
    ttl: endpoint.ttlSeconds,
    ...(endpoint.routeServiceUrl === undefined ? {} : { route_service_url: endpoint.routeServiceUrl }),
    tags: endpoint.tags,
    ...(endpoint.isolationSegment === undefined ? {} : { isolation_segment: endpoint.isolationSegment }),
    ...(endpoint.privateInstanceId === undefined ? {} : { private_instance_id: endpoint.privateInstanceId }),
    ...(endpoint.serverCertDomainSan === undefined
      ? {}
      : { server_cert_domain_san: endpoint.serverCertDomainSan }),
  };
}

/** gorouter's basic-auth check (spec §1.1): `Basic`, base64, exactly two parts split on ":". */
function authorized(header: string | undefined, user: string, pass: string): boolean {
  const [scheme, encoded, ...rest] = (header ?? '').split(' ');
  if (scheme !== 'Basic' || encoded === undefined || rest.length > 0) return false;
  const parts = Buffer.from(encoded, 'base64').toString('utf8').split(':');
  return parts.length === 2 && parts[0] === user && parts[1] === pass;
}

/** A gorouter `/routes` stand-in on 127.0.0.1, a random port. */
export async function startFakeGorouter(options: FakeGorouterOptions = {}): Promise<FakeGorouter> {
  const user = options.user ?? 'router-status';
  const pass = options.pass ?? 'status-password';
  let routes: Record<string, unknown[]> = {};
  let fixedBody: string | undefined;
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  let encodedBody: Buffer | undefined;
  const body = (): string => fixedBody ?? `${JSON.stringify(sortedKeys(routes))}\n`;
  const bodyBytes = (): Buffer => (encodedBody ??= Buffer.from(body()));

  /** Streams the body in 64 KiB slices with backpressure, so a 40 MB body never stalls this process either. */
  const writeChunked = (response: http.ServerResponse): void => {
    const bytes = bodyBytes();
    const chunkSize = 64 * 1024;
    let offset = 0;
    const pump = (): void => {
      while (offset < bytes.length) {
        const chunk = bytes.subarray(offset, offset + chunkSize);
        offset += chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', pump);
          return;
        }
      }
      response.end();
    };
    pump();
  };

  const answer = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    if (request.url?.split('?')[0] !== '/routes') {
      response.writeHead(404).end('404 page not found\n');
      return;
    }
    requests++;
    if (!authorized(request.headers.authorization, user, pass)) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic' }).end('401 Unauthorized\n');
      return;
    }
    const json = { 'Content-Type': 'application/json', Connection: 'close' };
    switch (fake.mode) {
      case 'ok':
        response.writeHead(200, json);
        writeChunked(response);
        return;
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          response.writeHead(200, json);
          writeChunked(response);
        }, fake.slowMs);
        timers.add(timer);
        return;
      }
      case 'status500':
        response.writeHead(500).end('500 Internal Server Error\n');
        return;
      case 'garbage':
        response
          .writeHead(200, { 'Content-Type': 'text/html' })
          .end('<html><body>502 Bad Gateway</body></html>');
        return;
      case 'truncated': {
        const text = body();
        response.writeHead(200, json);
        response.end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      case 'reset': {
        const text = body();
        response.writeHead(200, { ...json, 'Content-Length': String(Buffer.byteLength(text)) });
        response.write(text.slice(0, Math.floor(text.length / 2)), () => request.socket.destroy());
        return;
      }
    }
  };

  const server =
    options.tls === undefined
      ? http.createServer(answer)
      : https.createServer({ cert: options.tls.cert, key: options.tls.key }, answer);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const fake: FakeGorouter = {
    host: '127.0.0.1',
    port,
    get requests() {
      return requests;
    },
    mode: 'ok',
    slowMs: 1_000,
    setRoutes(next) {
      routes = structuredClone(next);
      fixedBody = undefined;
      encodedBody = undefined;
    },
    setBody(text) {
      fixedBody = text;
      encodedBody = Buffer.from(text);
    },
    announce(uri, endpoint) {
      fixedBody = undefined;
      encodedBody = undefined;
      const pool = (routes[uri] ?? []).filter((item) => addressOf(item) !== endpoint.address);
      routes[uri] = [...pool, toGorouterJson(endpoint)];
    },
    withdraw(uri, address) {
      fixedBody = undefined;
      encodedBody = undefined;
      const pool = (routes[uri] ?? []).filter((item) => addressOf(item) !== address);
      if (pool.length === 0) delete routes[uri];
      else routes[uri] = pool;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

function addressOf(item: unknown): unknown {
  return typeof item === 'string' ? item : (item as { address?: unknown }).address;
}

function sortedKeys(routes: Record<string, unknown[]>): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.keys(routes)
      .sort()
      .map((key) => [key, routes[key] ?? []]),
  );
}
