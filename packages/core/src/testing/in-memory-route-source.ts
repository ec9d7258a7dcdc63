import type { Clock } from '../ports/clock.js';
import type { RouteSource, RouteSourceStatus } from '../ports/route-source.js';
import type { Endpoint } from '../routes/endpoint.js';
import type { RouteTable } from '../routes/route-table.js';

type Change =
  | { readonly kind: 'announce'; readonly uri: string; readonly endpoint: Endpoint }
  | { readonly kind: 'withdraw'; readonly uri: string; readonly endpoint: Endpoint };

/**
 * A RouteSource fake: `announce`/`withdraw` queue changes, `sync` applies them to the table (like a poll or a
 * NATS flush). It is ready after the first sync following `start`; changes made before `start` wait for it.
 */
export class InMemoryRouteSource implements RouteSource {
  readonly name: string;
  private readonly table: RouteTable;
  private readonly clock: Clock;
  private pending: Change[] = [];
  private state: 'new' | 'started' | 'stopped' = 'new';
  private lastUpdateMs: number | undefined;

  constructor(table: RouteTable, clock: Clock, name = 'in-memory') {
    this.table = table;
    this.clock = clock;
    this.name = name;
  }

  start(): Promise<void> {
    if (this.state === 'new') this.state = 'started';
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.state = 'stopped';
    this.pending = [];
    return Promise.resolve();
  }

  announce(uri: string, endpoint: Endpoint): void {
    this.pending.push({ kind: 'announce', uri, endpoint });
  }

  withdraw(uri: string, endpoint: Endpoint): void {
    this.pending.push({ kind: 'withdraw', uri, endpoint });
  }

  /** Applies every queued change (a no-op unless started). */
  sync(): Promise<void> {
    if (this.state !== 'started') return Promise.resolve();
    for (const change of this.pending) {
      if (change.kind === 'announce') this.table.register(change.uri, change.endpoint);
      else this.table.unregister(change.uri, change.endpoint);
    }
    this.pending = [];
    this.lastUpdateMs = this.clock.now();
    return Promise.resolve();
  }

  status(): RouteSourceStatus {
    const ready = this.state === 'started' && this.lastUpdateMs !== undefined;
    const detail =
      this.state === 'stopped'
        ? 'stopped'
        : ready
          ? `synced; ${this.table.size} endpoints`
          : 'waiting for the first sync';
    return this.lastUpdateMs === undefined
      ? { ready, stale: false, detail }
      : { ready, stale: false, lastUpdateMs: this.lastUpdateMs, detail };
  }
}
