import type { HealthRouteStatus } from './health.js';
import { HealthState } from './health.js';

describe('HealthState.answer', () => {
  let route: HealthRouteStatus;
  const health = (): HealthState => new HealthState(() => route);

  it('is 503 with an empty body before the route table is loaded, stale or not', () => {
    route = { ready: false, stale: false, detail: '0/1 gorouters loaded' };
    expect(health().answer()).toEqual({ status: 503, body: '' });
    route = { ready: false, stale: true, detail: 'connecting to NATS' };
    expect(health().answer()).toEqual({ status: 503, body: '' });
    expect(health().isHealthy()).toBe(false);
  });

  it('is 200 "ok" when fresh, and 200 "ok: route table stale (detail)" when stale', () => {
    const state = health();
    route = { ready: true, stale: false, detail: 'connected; 12 endpoints' };
    expect(state.answer()).toEqual({ status: 200, body: 'ok\n' });
    route = { ready: true, stale: true, detail: 'disconnected from NATS; pruning suspended' };
    expect(state.answer()).toEqual({
      status: 200,
      body: 'ok: route table stale (disconnected from NATS; pruning suspended)\n',
    });
    expect(state.isHealthy()).toBe(true);
    route = { ready: true, stale: false, detail: 'connected; 12 endpoints' };
    expect(state.answer()).toEqual({ status: 200, body: 'ok\n' });
  });

  it('keeps the stale body on one line, and "ok" its first word', () => {
    route = { ready: true, stale: true, detail: '  1/2 gorouters loaded;\r\nolder than 3 s \n' };
    const { status, body } = health().answer();
    expect(status).toBe(200);
    expect(body).toBe('ok: route table stale (1/2 gorouters loaded; older than 3 s)\n');
    expect(body.split(/\s|:/)[0]).toBe('ok');
    route = { ready: true, stale: true, detail: '' };
    expect(health().answer().body).toBe('ok: route table stale\n');
  });

  it('is 503 for good after degrade(), even when fresh or stale', () => {
    const state = health();
    route = { ready: true, stale: false, detail: 'connected; 1 endpoints' };
    state.degrade();
    expect(state.degraded).toBe(true);
    expect(state.answer()).toEqual({ status: 503, body: '' });
    route = { ready: true, stale: true, detail: 'disconnected from NATS; pruning suspended' };
    expect(state.answer()).toEqual({ status: 503, body: '' });
    expect(state.isHealthy()).toBe(false);
  });
});
