import Koa from 'koa';
import type { BrokerRouterDeps } from './broker-router.js';
import { createBrokerRouter } from './broker-router.js';

/** The path under which promfetcher serves the broker (the registrar errand registers `<base_url>/broker`). */
export const BROKER_PREFIX = '/broker';

/**
 * A Koa app serving only the broker under `/broker` (for tests and for running the broker alone);
 * adapter-http mounts `createBrokerRouter({ …, prefix: '/broker' })` in the main app instead.
 */
export function createBrokerApp(deps: Omit<BrokerRouterDeps, 'prefix'>): Koa {
  const app = new Koa();
  app.silent = true;
  const router = createBrokerRouter({ ...deps, prefix: BROKER_PREFIX });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
