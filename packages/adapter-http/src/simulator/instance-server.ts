import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { renderInstanceMetrics } from './metrics-generator.js';
import type { InstanceMetricsSpec } from './metrics-generator.js';

export type InstanceBehaviour = 'ok' | 'slow' | 'failing';

export interface InstanceServerSpec extends InstanceMetricsSpec {
  /** Answer OpenMetrics when the caller accepts it (else text 0.0.4). */
  readonly openMetrics?: boolean;
  /** Gzip the body when the caller accepts it. */
  readonly gzip?: boolean;
  readonly behaviour?: InstanceBehaviour;
  /** Delay of a `slow` instance (default 3 s). */
  readonly slowMs?: number;
  /** Require HTTP basic auth with these credentials (401 otherwise). */
  readonly basicAuth?: { readonly user: string; readonly pass: string };
  /** The metrics path (default `/metrics`); any other path is 404. */
  readonly metricsPath?: string;
}

export interface InstanceServer {
  readonly port: number;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** Requests served so far (any path). */
  readonly requests: number;
  /** The headers of the last request. */
  readonly lastHeaders: Readonly<Record<string, string | string[] | undefined>> | undefined;
  stop(): Promise<void>;
}

/** Bodies above this many series are rendered once and cached (benchmarks measure promfetcher, not us). */
const CACHE_ABOVE_SERIES = 500;
export const DEFAULT_SLOW_MS = 3_000;
const OPENMETRICS_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Starts one simulated app instance on 127.0.0.1, a random port. */
export async function startInstanceServer(spec: InstanceServerSpec): Promise<InstanceServer> {
  let requests = 0;
  let lastHeaders: IncomingMessage['headers'] | undefined;
  const cache = new Map<string, Buffer>();
  const timers = new Set<NodeJS.Timeout>();
  const metricsPath = spec.metricsPath ?? '/metrics';
  const expectedAuth =
    spec.basicAuth === undefined
      ? undefined
      : `Basic ${Buffer.from(`${spec.basicAuth.user}:${spec.basicAuth.pass}`).toString('base64')}`;

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== metricsPath) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    if (expectedAuth !== undefined && req.headers.authorization !== expectedAuth) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="metrics"', 'content-type': 'text/plain' });
      res.end('401 Unauthorized\n');
      return;
    }
    if (spec.behaviour === 'failing') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error: database unreachable\n');
      return;
    }
    const om =
      spec.openMetrics === true && (req.headers.accept ?? '').includes('application/openmetrics-text');
    const gzip = spec.gzip === true && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const key = `${om}:${gzip}`;
    let body = cache.get(key);
    if (body === undefined) {
      const text = renderInstanceMetrics(spec, om ? 'openmetrics' : 'text', requests);
      body = gzip ? gzipSync(text) : Buffer.from(text);
      if ((spec.extraSeries ?? 0) > CACHE_ABOVE_SERIES) cache.set(key, body);
    }
    res.writeHead(200, {
      'content-type': om ? OPENMETRICS_TYPE : TEXT_TYPE,
      'content-length': body.length,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    requests++;
    lastHeaders = req.headers;
    if (spec.behaviour === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer(req, res);
      }, spec.slowMs ?? DEFAULT_SLOW_MS);
      timers.add(timer);
      return;
    }
    answer(req, res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get lastHeaders() {
      return lastHeaders;
    },
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
