import type { Logger } from '@promfetcher/core';
import { CachedEndpointOverrides } from './cached-endpoint-overrides.js';

class FakeClock {
  nowMs = 1_000;
  now(): number {
    return this.nowMs;
  }
}

/** A store whose reads can be held open and made to fail; counts reads. */
class ScriptedStore {
  reads = 0;
  map = new Map<string, string>();
  failing = false;
  private held: Array<() => void> = [];
  hold = false;

  async endpointsByApp(): Promise<ReadonlyMap<string, string>> {
    this.reads++;
    const snapshot = new Map(this.map);
    const failing = this.failing;
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    if (failing) throw new Error('db down');
    return snapshot;
  }

  release(): void {
    const waiting = this.held;
    this.held = [];
    for (const resolve of waiting) resolve();
  }
}

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (_f, m) => errors.push(m),
    errors,
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('CachedEndpointOverrides', () => {
  let clock: FakeClock;
  let store: ScriptedStore;
  let logger: ReturnType<typeof recordingLogger>;
  let cache: CachedEndpointOverrides;

  beforeEach(() => {
    clock = new FakeClock();
    store = new ScriptedStore();
    logger = recordingLogger();
    cache = new CachedEndpointOverrides(store, clock, { ttlMs: 5_000, logger });
  });

  it('reads once, then answers from memory until the ttl has passed', async () => {
    store.map.set('app-1', '/a');
    expect(await cache.endpointFor('app-1')).toBe('/a');
    store.map.set('app-1', '/b');
    for (let i = 0; i < 100; i++) expect(await cache.endpointFor('app-1')).toBe('/a');
    clock.nowMs += 4_999;
    expect(await cache.endpointFor('app-1')).toBe('/a');
    expect(store.reads).toBe(1);
  });

  it('past the ttl, answers the old map at once and refreshes once in the background', async () => {
    store.map.set('app-1', '/a');
    await cache.endpointFor('app-1');
    store.map.set('app-1', '/b');
    clock.nowMs += 5_000;
    store.hold = true;
    const answers = await Promise.all([
      cache.endpointFor('app-1'),
      cache.endpointFor('app-1'),
      cache.endpointFor('x'),
    ]);
    expect(answers).toEqual(['/a', '/a', undefined]);
    expect(store.reads).toBe(2);
    store.release();
    await settle();
    expect(await cache.endpointFor('app-1')).toBe('/b');
    expect(store.reads).toBe(2);
  });

  it('shares the first read between concurrent callers', async () => {
    store.map.set('app-1', '/a');
    store.hold = true;
    const pending = Promise.all(Array.from({ length: 20 }, () => cache.endpointFor('app-1')));
    await settle();
    store.release();
    expect(await pending).toEqual(Array.from({ length: 20 }, () => '/a'));
    expect(store.reads).toBe(1);
  });

  it('after invalidate(), the next call waits for a read that started after it', async () => {
    store.map.set('app-1', '/a');
    await cache.endpointFor('app-1');
    // A background refresh is in flight with the old data when the broker binds and invalidates.
    clock.nowMs += 5_000;
    store.hold = true;
    expect(await cache.endpointFor('app-1')).toBe('/a');
    store.map.set('app-1', '/bound');
    cache.invalidate();
    const next = cache.endpointFor('app-1');
    store.release();
    await settle();
    store.release();
    expect(await next).toBe('/bound');
    expect(store.reads).toBe(3);
  });

  it('keeps serving the last map when a read fails, logs, and retries only after the ttl', async () => {
    store.map.set('app-1', '/a');
    await cache.endpointFor('app-1');
    store.failing = true;
    clock.nowMs += 5_000;
    expect(await cache.endpointFor('app-1')).toBe('/a');
    await settle();
    expect(logger.errors).toHaveLength(1);
    expect(await cache.endpointFor('app-1')).toBe('/a');
    clock.nowMs += 1_000;
    expect(await cache.endpointFor('app-1')).toBe('/a');
    expect(store.reads).toBe(2);
    store.failing = false;
    store.map.set('app-1', '/b');
    clock.nowMs += 4_000;
    expect(await cache.endpointFor('app-1')).toBe('/a');
    await settle();
    expect(await cache.endpointFor('app-1')).toBe('/b');
    expect(store.reads).toBe(3);
  });

  it('answers undefined while the first read fails, without a read per call', async () => {
    store.failing = true;
    store.map.set('app-1', '/a');
    expect(await cache.endpointFor('app-1')).toBeUndefined();
    expect(await cache.endpointFor('app-1')).toBeUndefined();
    expect(store.reads).toBe(1);
    expect(logger.errors).toHaveLength(1);
    store.failing = false;
    clock.nowMs += 5_000;
    expect(await cache.endpointFor('app-1')).toBe('/a');
    expect(store.reads).toBe(2);
  });
});
