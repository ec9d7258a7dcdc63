import Koa from 'koa';
import request from 'supertest';
import { silentLogger } from '@promfetcher/core';
import { InMemoryBindingStore, aBinding, anInstance } from '@promfetcher/core/testing';
import { createBrokerApp } from './broker-app.js';
import { brokerRouterConfigFrom } from './broker-router-config.js';
import { createBrokerRouter } from './broker-router.js';
import { brokerConfigSchema } from './config.js';
import { MAX_BODY_BYTES } from './read-json-body.js';

const config = { user: 'u', pass: 'p', serviceId: 'svc', planId: 'plan', baseUrl: '' };

function setup(): {
  store: InMemoryBindingStore;
  agent: ReturnType<typeof request>;
  invalidations: () => number;
} {
  const store = new InMemoryBindingStore();
  let invalidations = 0;
  const app = createBrokerApp({
    store,
    logger: silentLogger,
    config,
    overrides: { invalidate: () => void invalidations++ },
  });
  return { store, agent: request(app.callback()), invalidations: () => invalidations };
}

function osb(test: request.Test): request.Test {
  return test.auth('u', 'p').set('X-Broker-API-Version', '2.17');
}

describe('broker router (in-memory store)', () => {
  it('refuses a plan change of a stored instance with 422 and changes nothing', async () => {
    const { store, agent } = setup();
    await store.putInstance(anInstance({ instanceId: 'i', serviceId: 'svc', planId: 'old-plan' }));
    const res = await osb(agent.patch('/broker/v2/service_instances/i')).send({
      service_id: 'svc',
      plan_id: 'plan',
      parameters: { a: 1 },
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ description: expect.stringContaining('plan_updateable') });
    expect((await store.getInstance('i'))?.parameters).toEqual({});
  });

  it('answers 200 {} without effect when updating an instance it does not know', async () => {
    const { store, agent } = setup();
    const res = await osb(agent.patch('/broker/v2/service_instances/ghost')).send({
      service_id: 'svc',
      parameters: { a: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(await store.getInstance('ghost')).toBeUndefined();
  });

  it('refuses a bind whose ids differ from its instance', async () => {
    const { store, agent } = setup();
    await store.putInstance(anInstance({ instanceId: 'i', serviceId: 'svc', planId: 'older-plan' }));
    const res = await osb(agent.put('/broker/v2/service_instances/i/service_bindings/b')).send({
      service_id: 'svc',
      plan_id: 'plan',
      bind_resource: { app_guid: 'a' },
    });
    expect(res.status).toBe(400);
    expect(await store.getBinding('b')).toBeUndefined();
  });

  it('refuses a body over the limit with 413', async () => {
    const { agent } = setup();
    const res = await osb(agent.put('/broker/v2/service_instances/i'))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ description: expect.any(String) });
  });

  it('invalidates the scraping cache after a created bind and a done unbind only', async () => {
    const { agent, invalidations } = setup();
    const path = '/broker/v2/service_instances/i/service_bindings/b';
    const body = {
      service_id: 'svc',
      plan_id: 'plan',
      bind_resource: { app_guid: 'a' },
      parameters: { endpoint: '/m' },
    };
    await osb(agent.put(path)).send(body).expect(201);
    await osb(agent.put(path)).send(body).expect(200);
    expect(invalidations()).toBe(1);
    await osb(agent.delete(`${path}?service_id=svc&plan_id=plan`)).expect(200);
    await osb(agent.delete(`${path}?service_id=svc&plan_id=plan`)).expect(410);
    expect(invalidations()).toBe(2);
  });

  it('answers 405 for a wrong method on a broker route, 404 outside /broker', async () => {
    const { agent } = setup();
    await osb(agent.post('/broker/v2/catalog')).expect(405);
    await osb(agent.get('/v2/catalog')).expect(404);
  });
});

describe('brokerRouterConfigFrom', () => {
  it('takes credentials, ids and base URL from the slice, and refuses a disabled broker', () => {
    const slice = brokerConfigSchema.parse({
      broker: { user: 'u', pass: 'p' },
      base_url: 'https://pf.example.com/',
    });
    expect(brokerRouterConfigFrom(slice)).toEqual({
      user: 'u',
      pass: 'p',
      serviceId: 'e44a55b7-b532-4247-89f3-4ea92054b793',
      planId: '3294e4fa-42b3-4505-b289-8fb3695b5b3a',
      baseUrl: 'https://pf.example.com',
    });
    const router = brokerRouterConfigFrom(slice);
    expect(brokerRouterConfigFrom(router)).toBe(router);
    expect(() => brokerRouterConfigFrom(brokerConfigSchema.parse({ broker: { enable: false } }))).toThrow(
      /disabled/,
    );
  });
});

describe('bindings imported from the Go promfetcher (no known instance)', () => {
  it('are fetched and unbound under whatever instance the platform names', async () => {
    const { store, agent } = setup();
    await store.putBinding(
      aBinding({ bindingId: 'legacy', instanceId: '', serviceId: '', planId: '', parameters: {} }),
    );
    const path = '/broker/v2/service_instances/cc-instance/service_bindings/legacy';
    const fetched = await osb(agent.get(path));
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({ credentials: { endpoint: '/actuator/prometheus' }, parameters: {} });
    await osb(agent.delete(`${path}?service_id=svc&plan_id=plan`)).expect(200);
    expect(await store.getBinding('legacy')).toBeUndefined();
  });
});

describe('behind a body parser mounted before the broker', () => {
  it('uses the already parsed body', async () => {
    const store = new InMemoryBindingStore();
    const app = new Koa();
    app.use(async (ctx, next) => {
      let text = '';
      for await (const chunk of ctx.req) text += String(chunk);
      (ctx.request as { body?: unknown }).body = text === '' ? undefined : JSON.parse(text);
      await next();
    });
    app.use(createBrokerRouter({ store, config, logger: silentLogger, prefix: '/broker' }).routes());
    const provision = { service_id: 'svc', plan_id: 'plan', organization_guid: 'o', space_guid: 's' };
    await osb(request(app.callback()).put('/broker/v2/service_instances/i')).send(provision).expect(201);
    await osb(request(app.callback()).put('/broker/v2/service_instances/j')).send([1]).expect(400);
    expect(await store.getInstance('i')).toBeDefined();
  });
});
