/**
 * The health listener (`health_check_port`): every path, every method. 200 `ok\n` when the route source is
 * ready; 503 (empty body) before, and for good after `degrade()` (SIGUSR1). Both with
 * `Cache-Control: private, max-age=0` and `Expires: 0` (spec §3.1). Unlike the original, "ready" means the
 * route table is loaded, not merely subscribed (§5 item 9).
 */
import Koa from 'koa';

export class HealthState {
  private readonly isReady: () => boolean;
  private degradedFlag = false;

  constructor(isReady: () => boolean) {
    this.isReady = isReady;
  }

  /** Sticky: once degraded, never healthy again. */
  degrade(): void {
    this.degradedFlag = true;
  }

  get degraded(): boolean {
    return this.degradedFlag;
  }

  isHealthy(): boolean {
    return !this.degradedFlag && this.isReady();
  }
}

export function createHealthApp(health: Pick<HealthState, 'isHealthy'>): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.set('Cache-Control', 'private, max-age=0');
    ctx.set('Expires', '0');
    if (health.isHealthy()) {
      ctx.status = 200;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'ok\n';
    } else {
      ctx.status = 503;
      ctx.body = '';
    }
  });
  return app;
}
