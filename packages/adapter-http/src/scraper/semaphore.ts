/**
 * A counting semaphore bounding concurrent instance requests across all callers. Waiters are served in
 * arrival order; a waiter whose signal aborts (deadline, caller gone) leaves the queue without a permit.
 */
export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
}

export class Semaphore {
  private readonly limit: number;
  private active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`semaphore limit must be a positive integer, got ${String(limit)}`);
    }
    this.limit = limit;
  }

  /** Permits in use. */
  get inUse(): number {
    return this.active;
  }

  /** Requests waiting for a permit. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function, or with undefined when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<Release | undefined> {
    if (signal?.aborted === true) return Promise.resolve(undefined);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next === undefined) this.active--;
      else next.grant(this.releaser());
    };
  }
}
