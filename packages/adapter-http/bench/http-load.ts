/**
 * The HTTP client side of server.bench.ts: one bounded GET, the floor (every instance body fetched
 * concurrently and concatenated, no parsing) and a closed-loop load of N concurrent clients. node:http with
 * keep-alive agents; loopback only; every request has a deadline and every loop a bound.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';

export interface GetResult {
  readonly status: number;
  readonly body: Buffer;
  readonly ms: number;
}

/** One GET; rejects after `timeoutMs`. Content-Encoding gzip is decoded when `decode` is set. */
export function get(
  url: string,
  agent: http.Agent,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  decode = false,
): Promise<GetResult> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        let body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        if (decode && response.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        resolve({ status: response.statusCode ?? 0, body, ms: performance.now() - start });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** A keep-alive agent with enough sockets for `sockets` concurrent requests per host. */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/**
 * The floor: what any merger must at least pay — every instance's body fetched concurrently (keep-alive,
 * gzip decoded when asked for) and concatenated into one buffer. Failing instances count as answered.
 */
export async function fetchFloor(
  instances: readonly string[],
  agent: http.Agent,
  options: { readonly gzip: boolean; readonly timeoutMs: number },
): Promise<{ readonly ms: number; readonly bytes: number }> {
  const start = performance.now();
  const headers: Record<string, string> = { accept: 'text/plain;version=0.0.4' };
  if (options.gzip) headers['accept-encoding'] = 'gzip';
  const bodies = await Promise.all(
    instances.map((address) => get(`http://${address}/metrics`, agent, headers, options.timeoutMs, true)),
  );
  const merged = Buffer.concat(bodies.map((b) => b.body));
  return { ms: performance.now() - start, bytes: merged.length };
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly latenciesMs: readonly number[];
  /** What the errors were (`status 503`, an error message), with counts. */
  readonly errorKinds: Readonly<Record<string, number>>;
}

/**
 * `clients` closed-loop clients GET `url` back to back until `maxRequests` have been sent or `maxMs` has
 * passed (in-flight requests are awaited). A non-200 answer or a network error counts as an error.
 */
export async function closedLoop(options: {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly clients: number;
  readonly maxRequests: number;
  readonly maxMs: number;
  readonly timeoutMs: number;
}): Promise<LoadResult> {
  const agent = keepAliveAgent(options.clients);
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  const fail = (kind: string): void => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  const start = performance.now();
  const client = async (): Promise<void> => {
    while (sent < options.maxRequests && performance.now() - start < options.maxMs) {
      sent++;
      try {
        const result = await get(options.url, agent, options.headers, options.timeoutMs);
        if (result.status === 200) latencies.push(result.ms);
        else fail(`status ${result.status}`);
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, () => client()));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  return { requests: latencies.length, errors, elapsedMs, latenciesMs: latencies, errorKinds };
}

/** The `p`-th percentile (0–100, nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
