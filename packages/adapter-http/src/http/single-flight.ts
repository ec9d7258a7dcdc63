/**
 * Single-flight for metrics requests (issue 7 item 2): concurrent requests for the same fan-out share it, so
 * two HA Prometheus replicas scraping one app cost the instances one scrape, not two.
 *
 * The key: the resolved instances (a SHA-256 of their sorted addresses, so `/apps/{org}/{space}/{app}`, the
 * app GUID and the route of the same app share), the answer format, the caller's `metric_path`, `onlyApp`, the
 * instance index of the per-instance route, and a SHA-256 of the headers forwarded to the instances — which
 * carry the caller's credentials, so callers with different credentials never share. Request-scoped headers
 * that do not change the answer are left out of the key (X-Request-Id, X-Forwarded-For, User-Agent, trace
 * context): the instances see the first caller's. Keys are digests; no credential is kept, logged or counted.
 *
 * Deadlines (decision): a request joins the in-flight fan-out only if that fan-out's deadline ends no later
 * than its own; otherwise waiting could outlast its deadline, so it runs its own fan-out with its own deadline
 * (counted as `bypassed`, not shared). A joined request gets exactly the leader's answer (a target that timed
 * out for the leader is reported as timed out to every waiter).
 *
 * Aborts: the shared fan-out has its own AbortSignal, aborted only when every waiting caller has gone; one
 * caller hanging up does not cut the others' answer short.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { resolveApp, type FetchInput, type RouteLookup } from '@promfetcher/core';
import type { SingleFlightRole } from '../telemetry/prom-telemetry.js';
import type { MetricsFetcher } from './metrics-fetcher.js';

type FetchResult = Awaited<ReturnType<MetricsFetcher['execute']>>;

/** Forwarded headers that do not change an instance's answer: left out of the sharing key. */
const NOT_IN_KEY = new Set([
  'x-request-id',
  'x-forwarded-for',
  'user-agent',
  'traceparent',
  'tracestate',
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'x-amzn-trace-id',
]);

interface Flight {
  readonly deadlineMs: number;
  readonly controller: AbortController;
  readonly result: Promise<FetchResult>;
  waiters: number;
}

export interface SingleFlightDeps {
  readonly inner: MetricsFetcher;
  readonly routes: RouteLookup;
  readonly observe?: (role: SingleFlightRole) => void;
  /** Milliseconds, monotonic; default `performance.now`. */
  readonly now?: () => number;
}

export class SingleFlightFetcher implements MetricsFetcher {
  private readonly flights = new Map<string, Flight>();
  private readonly inner: MetricsFetcher;
  private readonly routes: RouteLookup;
  private readonly observe: (role: SingleFlightRole) => void;
  private readonly now: () => number;

  constructor(deps: SingleFlightDeps) {
    this.inner = deps.inner;
    this.routes = deps.routes;
    this.observe = deps.observe ?? ((): void => undefined);
    this.now = deps.now ?? ((): number => performance.now());
  }

  /** Fan-outs in flight (for tests and diagnostics). */
  get inFlight(): number {
    return this.flights.size;
  }

  async execute(input: FetchInput): Promise<FetchResult> {
    const key = this.keyOf(input);
    // Nothing to scrape (unknown app): the use case answers at once, nothing to share.
    if (key === undefined) return this.inner.execute(input);
    const deadlineMs = this.now() + input.timeoutMs;
    const current = this.flights.get(key);
    if (current !== undefined && current.deadlineMs <= deadlineMs) {
      this.observe('shared');
      return this.wait(current, input.signal);
    }
    if (current !== undefined) {
      this.observe('bypassed');
      return this.inner.execute(input);
    }
    this.observe('leader');
    const controller = new AbortController();
    const flight: Flight = {
      deadlineMs,
      controller,
      waiters: 0,
      result: this.inner.execute({ ...input, signal: controller.signal }).finally(() => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      }),
    };
    this.flights.set(key, flight);
    return this.wait(flight, input.signal);
  }

  private async wait(flight: Flight, signal: AbortSignal | undefined): Promise<FetchResult> {
    flight.waiters++;
    let gone = false;
    const leave = (): void => {
      if (gone) return;
      gone = true;
      flight.waiters--;
      if (flight.waiters === 0) flight.controller.abort();
    };
    if (signal?.aborted === true) leave();
    else signal?.addEventListener('abort', leave, { once: true });
    try {
      return await flight.result;
    } finally {
      signal?.removeEventListener('abort', leave);
    }
  }

  private keyOf(input: FetchInput): string | undefined {
    const entries = resolveApp(this.routes, input.app);
    if (entries.length === 0) return undefined;
    const instances = createHash('sha256');
    for (const address of entries.map((e) => e.endpoint.address).sort())
      instances.update(address).update('\n');
    const headers = createHash('sha256');
    const names = Object.keys(input.forwardHeaders)
      .filter((n) => !NOT_IN_KEY.has(n.toLowerCase()))
      .sort();
    for (const name of names) {
      headers.update(name.toLowerCase()).update(':').update(input.forwardHeaders[name]!).update('\n');
    }
    return JSON.stringify([
      instances.digest('base64'),
      input.format,
      input.metricPath ?? '',
      input.onlyApp,
      input.instanceIndex ?? '',
      input.labelMode ?? 'full',
      headers.digest('base64'),
    ]);
  }
}
