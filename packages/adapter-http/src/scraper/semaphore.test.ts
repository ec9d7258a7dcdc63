import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('grants up to the limit, then in arrival order, and releases once', async () => {
    const s = new Semaphore(2);
    const a = await s.acquire();
    const b = await s.acquire();
    const order: string[] = [];
    const c = s.acquire().then((r) => (order.push('c'), r));
    const d = s.acquire().then((r) => (order.push('d'), r));
    expect(s.waiting).toBe(2);
    a!();
    a!(); // a second call is ignored
    const rc = await c;
    expect(order).toEqual(['c']);
    expect(s.inUse).toBe(2);
    b!();
    const rd = await d;
    expect(order).toEqual(['c', 'd']);
    rc!();
    rd!();
    expect(s.inUse).toBe(0);
  });

  it('drops a waiter whose signal aborts', async () => {
    const s = new Semaphore(1);
    const a = await s.acquire();
    const abort = new AbortController();
    const w = s.acquire(abort.signal);
    abort.abort();
    expect(await w).toBeUndefined();
    expect(s.waiting).toBe(0);
    a!();
    expect(s.inUse).toBe(0);
    expect(await s.acquire(AbortSignal.abort())).toBeUndefined();
  });

  it('refuses a bad limit', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
