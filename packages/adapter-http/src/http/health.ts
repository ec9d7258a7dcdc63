/**
 * The health listener (`health_check_port`): every path, every method. 503 (empty body) until the route
 * source is ready, and for good after `degrade()` (SIGUSR1 or shutdown). Once ready, 200 — also while the
 * route table is stale (gorouter down past `gorouter_staleness_bound`, NATS disconnected): the last good table
 * is still served, and a 503 would make load balancers drop every promfetcher during a source outage. The body
 * says which: `ok\n` when fresh, `ok: route table stale (<detail>)\n` when stale (`ok` stays the first word, so
 * simple checks still pass). Both with `Cache-Control: private, max-age=0` and `Expires: 0` (spec §3.1). Unlike
 * the original, "ready" means the route table is loaded, not merely subscribed (§5 item 9).
 */
import type { RouteSourceStatus } from '@promfetcher/core';
import Koa from 'koa';

/** What health reads from the route source. */
export type HealthRouteStatus = Pick<RouteSourceStatus, 'ready' | 'stale' | 'detail'>;

export interface HealthAnswer {
  readonly status: 200 | 503;
  readonly body: string;
}

export class HealthState {
  private readonly routeStatus: () => HealthRouteStatus;
  private degradedFlag = false;

  constructor(routeStatus: () => HealthRouteStatus) {
    this.routeStatus = routeStatus;
  }

  /** Sticky: once degraded, never healthy again. */
  degrade(): void {
    this.degradedFlag = true;
  }

  get degraded(): boolean {
    return this.degradedFlag;
  }

  isHealthy(): boolean {
    return !this.degradedFlag && this.routeStatus().ready;
  }

  /** The status and body the health listener answers now. */
  answer(): HealthAnswer {
    if (this.degradedFlag) return { status: 503, body: '' };
    const route = this.routeStatus();
    if (!route.ready) return { status: 503, body: '' };
    if (!route.stale) return { status: 200, body: 'ok\n' };
    const detail = route.detail.replace(/\s+/g, ' ').trim();
    return { status: 200, body: `ok: route table stale${detail === '' ? '' : ` (${detail})`}\n` };
  }
}

export function createHealthApp(health: Pick<HealthState, 'answer'>): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.set('Cache-Control', 'private, max-age=0');
    ctx.set('Expires', '0');
    const { status, body } = health.answer();
    ctx.status = status;
    if (status === 200) ctx.type = 'text/plain; charset=utf-8';
    ctx.body = body;
  });
  return app;
}
