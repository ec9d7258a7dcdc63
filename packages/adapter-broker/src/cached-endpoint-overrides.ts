import type { BindingStore, Clock, EndpointOverrides, Logger } from '@promfetcher/core';
import { silentLogger } from '@promfetcher/core';
import { DEFAULT_ENDPOINT_CACHE_TTL_MS } from './config.js';

export interface CachedEndpointOverridesOptions {
  /** Staleness bound: the map is re-read at most this often (default `DEFAULT_ENDPOINT_CACHE_TTL_MS`, 5 s). */
  readonly ttlMs?: number;
  readonly logger?: Logger;
}

interface Refresh {
  readonly promise: Promise<void>;
  /** The invalidation generation this refresh started at (or after). */
  readonly generation: number;
}

/**
 * The scraping path's view of the bindings (`EndpointOverrides`): a map app GUID → endpoint held in memory,
 * so that a scrape never costs a database round trip.
 *
 * - The first call waits for the first read. Later, once the map is `ttlMs` old, a call answers from the
 *   map at once and starts one background re-read (stale-while-revalidate): an answer is at most `ttlMs`
 *   plus one read's duration old. Concurrent callers share one read (single flight).
 * - A failed read is logged; the last good map keeps being served, and the next attempt waits `ttlMs`.
 *   Before any good read, the answer is `undefined` (scrape the default path).
 * - `invalidate()` (called by the broker after its own bind/unbind) makes the next call wait for a read
 *   that started after it, so this process sees its own binds at once; other processes see them within
 *   the bound.
 */
export class CachedEndpointOverrides implements EndpointOverrides {
  private readonly ttlMs: number;
  private readonly logger: Logger;
  private map: ReadonlyMap<string, string> | undefined;
  /** Clock time at which the read that produced `map` started. */
  private loadedAtMs = Number.NEGATIVE_INFINITY;
  private loadedGeneration = -1;
  private generation = 0;
  private lastFailureAtMs: number | undefined;
  private inflight: Refresh | undefined;

  constructor(
    private readonly store: Pick<BindingStore, 'endpointsByApp'>,
    private readonly clock: Clock,
    options: CachedEndpointOverridesOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_ENDPOINT_CACHE_TTL_MS;
    this.logger = options.logger ?? silentLogger;
  }

  async endpointFor(appGuid: string): Promise<string | undefined> {
    const now = this.clock.now();
    const mayRetry = this.lastFailureAtMs === undefined || now - this.lastFailureAtMs >= this.ttlMs;
    if (this.map === undefined || this.loadedGeneration < this.generation) {
      if (mayRetry || this.inflight !== undefined) await this.refresh();
    } else if (now - this.loadedAtMs >= this.ttlMs && mayRetry) {
      void this.refresh();
    }
    return this.map?.get(appGuid);
  }

  /** Forgets the freshness of the map: the next `endpointFor` waits for a new read. */
  invalidate(): void {
    this.generation++;
    this.lastFailureAtMs = undefined;
  }

  /** Reads the map now (joining a read in flight that started after the last invalidation). Never rejects. */
  refresh(): Promise<void> {
    const generation = this.generation;
    if (this.inflight !== undefined && this.inflight.generation >= generation) return this.inflight.promise;
    const previous = this.inflight?.promise ?? Promise.resolve();
    const promise = previous.then(() => this.load(generation));
    const entry: Refresh = { promise, generation };
    this.inflight = entry;
    void promise.then(() => {
      if (this.inflight === entry) this.inflight = undefined;
    });
    return promise;
  }

  private async load(generation: number): Promise<void> {
    const startedAt = this.clock.now();
    try {
      const map = await this.store.endpointsByApp();
      this.map = map;
      this.loadedAtMs = startedAt;
      this.loadedGeneration = Math.max(this.loadedGeneration, generation);
      this.lastFailureAtMs = undefined;
    } catch (err) {
      this.lastFailureAtMs = startedAt;
      this.logger.error(
        { err, servingStale: this.map !== undefined },
        'could not read the bound endpoints; serving the last known ones',
      );
    }
  }
}
