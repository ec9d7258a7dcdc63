/**
 * OSB 2.17 conformance over real HTTP: the whole lifecycle, with every negative case of the public checker
 * (open-service-broker.md, "What the public conformance checker asserts") and the rule that no 4xx changes
 * state — checked by reading the SQLite tables directly before and after each refused request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '@promfetcher/core';
import { createBrokerApp } from '../src/broker-app.js';
import { CachedEndpointOverrides } from '../src/cached-endpoint-overrides.js';
import { SqliteBindingStore } from '../src/sqlite-binding-store.js';
import { OsbClient } from './kit/osb-client.js';
import type { OsbCall } from './kit/osb-client.js';

const USER = 'broker-user';
const PASS = 'broker-s3cret-pass';
const SERVICE_ID = 'e44a55b7-b532-4247-89f3-4ea92054b793';
const PLAN_ID = '3294e4fa-42b3-4505-b289-8fb3695b5b3a';
const INSTANCE = '/v2/service_instances/inst-1';
const BINDING = `${INSTANCE}/service_bindings/bind-1`;
const IDS = `service_id=${SERVICE_ID}&plan_id=${PLAN_ID}`;

const provisionBody = {
  service_id: SERVICE_ID,
  plan_id: PLAN_ID,
  organization_guid: 'org-guid',
  space_guid: 'space-guid',
  context: { platform: 'cloudfoundry', organization_guid: 'org-guid', space_guid: 'space-guid' },
  parameters: {},
};
/** `app` null: a service key (no app). */
const bindBody = (endpoint: unknown, app: string | null = 'app-guid-1'): Record<string, unknown> => ({
  service_id: SERVICE_ID,
  plan_id: PLAN_ID,
  ...(app === null ? {} : { bind_resource: { app_guid: app } }),
  ...(endpoint === undefined ? {} : { parameters: { endpoint } }),
});

const logs: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
const logger: Logger = {
  debug: (fields, message) => logs.push({ level: 'debug', fields, message }),
  info: (fields, message) => logs.push({ level: 'info', fields, message }),
  warn: (fields, message) => logs.push({ level: 'warn', fields, message }),
  error: (fields, message) => logs.push({ level: 'error', fields, message }),
};

let dir: string;
let file: string;
let store: SqliteBindingStore;
let overrides: CachedEndpointOverrides;
let server: Server;
let osb: OsbClient;
const clockMs = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pf-osb-'));
  file = join(dir, 'promfetcher.db');
  store = await SqliteBindingStore.open(file);
  overrides = new CachedEndpointOverrides(store, { now: () => clockMs }, { ttlMs: 5_000, logger });
  const app = createBrokerApp({
    store,
    overrides,
    logger,
    config: {
      user: USER,
      pass: PASS,
      serviceId: SERVICE_ID,
      planId: PLAN_ID,
      baseUrl: 'https://promfetcher.example.com',
    },
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  osb = new OsbClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/broker`, [USER, PASS]);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row of both tables, straight from the file. */
function dbState(): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return {
      instances: db.prepare('SELECT * FROM promfetcher_service_instances ORDER BY instance_id').all(),
      bindings: db.prepare('SELECT * FROM promfetcher_service_bindings ORDER BY seq').all(),
    };
  } finally {
    db.close();
  }
}

/** Calls, expects the status, no state change for 4xx, and an OSB error body for 4xx but 410 (`{}`). */
async function expectStatus(
  method: string,
  path: string,
  status: number,
  options: OsbCall = {},
): Promise<unknown> {
  const before = dbState();
  const answer = await osb.call(method, path, options);
  expect({ method, path, status: answer.status, body: answer.body }).toMatchObject({ status });
  if (status >= 400) expect(dbState()).toEqual(before);
  if (status >= 400 && status !== 410) {
    expect(answer.body).toEqual(expect.objectContaining({ description: expect.any(String) }));
    const body = answer.body as Record<string, unknown>;
    expect(Object.keys(body).every((k) => k === 'error' || k === 'description')).toBe(true);
  }
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  return answer.body;
}

/** The checker's three opening checks of every endpoint: 412 without version, 401 without/with bad auth. */
async function expectGuarded(method: string, path: string, body?: unknown): Promise<void> {
  const base = body === undefined ? {} : { body };
  await expectStatus(method, path, 412, { ...base, version: false });
  await expectStatus(method, path, 412, { ...base, version: '3.0' });
  await expectStatus(method, path, 412, { ...base, version: '2' });
  const noAuth = await osb.call(method, path, { ...base, auth: false });
  expect(noAuth.status).toBe(401);
  expect(noAuth.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  await expectStatus(method, path, 401, { ...base, auth: [USER, 'wrong'] });
  await expectStatus(method, path, 401, { ...base, auth: ['wrong', PASS] });
  await expectStatus(method, path, 401, { ...base, auth: false, headers: { Authorization: 'Bearer x' } });
}

describe('OSB conformance (real HTTP, SQLite store)', () => {
  it('catalog: guarded, then one bindable service with one plan, as the Go broker had it', async () => {
    await expectGuarded('GET', '/v2/catalog');
    const older = await osb.call('GET', '/v2/catalog', { version: '2.13' });
    expect(older.status).toBe(200);
    const catalog = (await expectStatus('GET', '/v2/catalog', 200)) as {
      services: Array<Record<string, unknown>>;
    };
    expect(catalog.services).toHaveLength(1);
    const service = catalog.services[0] as Record<string, unknown>;
    expect(service).toMatchObject({
      id: SERVICE_ID,
      name: 'promfetcher',
      description: 'Fetch your prometheus metrics on each instance of your app',
      bindable: true,
      bindings_retrievable: true,
      plan_updateable: false,
      requires: [],
      metadata: {
        displayName: 'promfetcher',
        longDescription: 'Fetch your prometheus metrics on each instance of your app.',
        documentationUrl: 'https://promfetcher.example.com/doc',
        providerDisplayName: 'Orange',
      },
      plans: [
        {
          id: PLAN_ID,
          name: 'fetch-app',
          description:
            'Fetch your prometheus metrics on each instance of your app by setting an endpoint to scrap',
          free: true,
          bindable: true,
          metadata: { displayName: 'fetch-app' },
        },
      ],
    });
    expect(String(service['name'])).toMatch(/^[a-z0-9-]+$/);
  });

  it('echoes X-Broker-API-Request-Identity, also on refusals', async () => {
    const ok = await osb.call('GET', '/v2/catalog', {
      headers: { 'X-Broker-API-Request-Identity': 'req-42' },
    });
    expect(ok.headers.get('x-broker-api-request-identity')).toBe('req-42');
    const refused = await osb.call('GET', '/v2/catalog', {
      auth: false,
      headers: { 'X-Broker-API-Request-Identity': 'req-43' },
    });
    expect(refused.headers.get('x-broker-api-request-identity')).toBe('req-43');
  });

  it('provision: refuses bad requests, then 201, 200 identical, 409 conflict', async () => {
    await expectGuarded('PUT', INSTANCE, provisionBody);
    for (const key of ['service_id', 'plan_id', 'organization_guid', 'space_guid']) {
      const { [key]: _dropped, ...missing } = provisionBody as Record<string, unknown>;
      await expectStatus('PUT', INSTANCE, 400, { body: missing });
      await expectStatus('PUT', INSTANCE, 400, { body: { ...provisionBody, [key]: '' } });
    }
    await expectStatus('PUT', INSTANCE, 400, { body: { ...provisionBody, service_id: 'unknown-service' } });
    await expectStatus('PUT', INSTANCE, 400, { body: { ...provisionBody, plan_id: 'unknown-plan' } });
    await expectStatus('PUT', INSTANCE, 400, { body: { ...provisionBody, parameters: [1] } });
    await expectStatus('PUT', INSTANCE, 400, { rawBody: '{"service_id": ' });
    await expectStatus('PUT', INSTANCE, 400, { rawBody: '[]' });
    await expectStatus('PUT', INSTANCE, 400, { rawBody: '' });

    expect(
      await expectStatus('PUT', `${INSTANCE}?accepts_incomplete=true`, 201, { body: provisionBody }),
    ).toEqual({});
    expect(
      await expectStatus('PUT', INSTANCE, 200, { body: { ...provisionBody, unknown_field: { x: 1 } } }),
    ).toEqual({});
    await expectStatus('PUT', INSTANCE, 409, { body: { ...provisionBody, space_guid: 'other-space' } });
    await expectStatus('PUT', INSTANCE, 409, { body: { ...provisionBody, parameters: { a: 1 } } });
  });

  it('fetch instance and its last operation (a synchronous broker: succeeded)', async () => {
    expect(await expectStatus('GET', INSTANCE, 200)).toEqual({
      service_id: SERVICE_ID,
      plan_id: PLAN_ID,
      parameters: {},
    });
    await expectStatus('GET', '/v2/service_instances/nope', 404);
    await expectGuarded('GET', `${INSTANCE}/last_operation`);
    expect(await expectStatus('GET', `${INSTANCE}/last_operation?${IDS}&operation=x`, 200)).toEqual({
      state: 'succeeded',
    });
    await expectStatus('GET', '/v2/service_instances/nope/last_operation', 404);
  });

  it('update: refuses bad requests and plan changes, then 200 {}', async () => {
    await expectGuarded('PATCH', INSTANCE, { service_id: SERVICE_ID });
    await expectStatus('PATCH', INSTANCE, 400, { body: { plan_id: PLAN_ID } });
    await expectStatus('PATCH', INSTANCE, 400, { body: { service_id: 'unknown-service' } });
    await expectStatus('PATCH', INSTANCE, 400, { body: { service_id: SERVICE_ID, plan_id: 'other-plan' } });
    await expectStatus('PATCH', INSTANCE, 400, { body: { service_id: SERVICE_ID, parameters: 'x' } });
    await expectStatus('PATCH', INSTANCE, 400, { rawBody: 'not json' });
    expect(
      await expectStatus('PATCH', INSTANCE, 200, {
        body: { service_id: SERVICE_ID, plan_id: PLAN_ID, parameters: { p: 1 } },
      }),
    ).toEqual({});
    expect(await expectStatus('GET', INSTANCE, 200)).toEqual({
      service_id: SERVICE_ID,
      plan_id: PLAN_ID,
      parameters: { p: 1 },
    });
  });

  it('bind: refuses bad requests and unsafe endpoints, then 201, 200 identical, 409 conflict', async () => {
    await expectGuarded('PUT', BINDING, bindBody('/actuator/prometheus'));
    await expectStatus('PUT', BINDING, 400, {
      body: { plan_id: PLAN_ID, bind_resource: { app_guid: 'app-guid-1' } },
    });
    await expectStatus('PUT', BINDING, 400, {
      body: { service_id: SERVICE_ID, bind_resource: { app_guid: 'app-guid-1' } },
    });
    await expectStatus('PUT', BINDING, 400, { body: { ...bindBody('/m'), plan_id: 'unknown-plan' } });
    await expectStatus('PUT', BINDING, 400, { body: { ...bindBody('/m'), parameters: 'x' } });
    await expectStatus('PUT', BINDING, 400, { body: { ...bindBody('/m'), bind_resource: 'x' } });
    await expectStatus('PUT', BINDING, 400, { rawBody: '{' });
    const unsafe: unknown[] = [
      'metrics',
      'http://evil.example.com/metrics',
      '//evil.example.com/metrics',
      '/a/../../admin',
      '/a/%2e%2e/admin',
      '/a/%2E%2E%2Fadmin',
      '/x\r\nHost: evil',
      '/user@evil',
      '/a\\b',
      `/${'a'.repeat(2100)}`,
      42,
      { path: '/x' },
    ];
    for (const endpoint of unsafe) {
      const body = (await expectStatus('PUT', BINDING, 400, { body: bindBody(endpoint) })) as {
        description: string;
      };
      expect(body.description).toMatch(/endpoint/);
    }
    const requiresApp = await expectStatus('PUT', BINDING, 422, { body: bindBody('/m', null) });
    expect(requiresApp).toEqual({ error: 'RequiresApp', description: expect.any(String) });

    const created = await expectStatus('PUT', `${BINDING}?accepts_incomplete=true`, 201, {
      body: bindBody('/actuator/prometheus'),
    });
    expect(created).toEqual({ credentials: { endpoint: '/actuator/prometheus' } });
    expect(
      await expectStatus('PUT', BINDING, 200, { body: { ...bindBody('/actuator/prometheus'), extra: true } }),
    ).toEqual(created);
    await expectStatus('PUT', BINDING, 409, { body: bindBody('/other') });
    await expectStatus('PUT', BINDING, 409, { body: bindBody('/actuator/prometheus', 'app-guid-2') });
  });

  it('fetch binding: credentials also for a binding without endpoint and for a service key (fixes §5.23)', async () => {
    expect(await expectStatus('GET', BINDING, 200)).toEqual({
      credentials: { endpoint: '/actuator/prometheus' },
      parameters: { endpoint: '/actuator/prometheus' },
    });
    const plain = `${INSTANCE}/service_bindings/bind-plain`;
    expect(await expectStatus('PUT', plain, 201, { body: bindBody(undefined) })).toEqual({ credentials: {} });
    expect(await expectStatus('GET', plain, 200)).toEqual({ credentials: {}, parameters: {} });
    const key = `${INSTANCE}/service_bindings/key-1`;
    expect(await expectStatus('PUT', key, 201, { body: bindBody(undefined, null) })).toEqual({
      credentials: {},
    });
    expect(await expectStatus('GET', key, 200)).toEqual({ credentials: {}, parameters: {} });
    await expectStatus('GET', `${INSTANCE}/service_bindings/nope`, 404);
    await expectStatus('GET', '/v2/service_instances/other/service_bindings/bind-1', 404);
    expect(await expectStatus('GET', `${BINDING}/last_operation`, 200)).toEqual({ state: 'succeeded' });
    await expectStatus('GET', `${INSTANCE}/service_bindings/nope/last_operation`, 404);
  });

  it('the newest binding with an endpoint is what scraping uses; unbinding it falls back (fixes §5.23)', async () => {
    expect(await overrides.endpointFor('app-guid-1')).toBe('/actuator/prometheus');
    const newer = `${INSTANCE}/service_bindings/bind-2`;
    // The deprecated top-level app_guid is read too.
    await expectStatus('PUT', newer, 201, {
      body: {
        service_id: SERVICE_ID,
        plan_id: PLAN_ID,
        app_guid: 'app-guid-1',
        parameters: { endpoint: '/newer' },
      },
    });
    // No clock advance: the broker's invalidate() makes its own bind visible at once.
    expect(await overrides.endpointFor('app-guid-1')).toBe('/newer');
    await expectStatus('DELETE', `${newer}?${IDS}`, 200);
    expect(await overrides.endpointFor('app-guid-1')).toBe('/actuator/prometheus');
  });

  it('unbind: refuses bad requests, then 200 {}, then 410', async () => {
    await expectGuarded('DELETE', `${BINDING}?${IDS}`);
    await expectStatus('DELETE', `${BINDING}?plan_id=${PLAN_ID}`, 400);
    await expectStatus('DELETE', `${BINDING}?service_id=${SERVICE_ID}`, 400);
    await expectStatus('DELETE', BINDING, 400);
    await expectStatus('DELETE', `/v2/service_instances/other/service_bindings/bind-1?${IDS}`, 410);
    expect(await expectStatus('DELETE', `${BINDING}?${IDS}&accepts_incomplete=true`, 200)).toEqual({});
    expect(await expectStatus('DELETE', `${BINDING}?${IDS}`, 410)).toEqual({});
    expect(await overrides.endpointFor('app-guid-1')).toBeUndefined();
    await expectStatus('GET', BINDING, 404);
  });

  it('bind to an instance the store does not know is accepted (instances made by the Go broker)', async () => {
    const path = '/v2/service_instances/legacy-inst/service_bindings/legacy-bind';
    await expectStatus('PUT', path, 201, { body: bindBody('/legacy', 'legacy-app') });
    expect(await overrides.endpointFor('legacy-app')).toBe('/legacy');
    await expectStatus('DELETE', `${path}?${IDS}`, 200);
  });

  it('deprovision: refuses bad requests, then 200 {} (its bindings go too), then 410', async () => {
    await expectGuarded('DELETE', `${INSTANCE}?${IDS}`);
    await expectStatus('DELETE', `${INSTANCE}?plan_id=${PLAN_ID}`, 400);
    await expectStatus('DELETE', `${INSTANCE}?service_id=${SERVICE_ID}`, 400);
    expect(await expectStatus('DELETE', `${INSTANCE}?${IDS}&accepts_incomplete=true`, 200)).toEqual({});
    expect(await expectStatus('DELETE', `${INSTANCE}?${IDS}`, 410)).toEqual({});
    await expectStatus('GET', INSTANCE, 404);
    await expectStatus('GET', `${INSTANCE}/service_bindings/bind-plain`, 404);
    expect(dbState()).toEqual({ instances: [], bindings: [] });
    // Orphan mitigation: DELETEs for things that never existed are answered 410 and change nothing.
    await expectStatus('DELETE', `/v2/service_instances/never?${IDS}`, 410);
    await expectStatus('DELETE', `/v2/service_instances/never/service_bindings/never?${IDS}`, 410);
  });

  it('never logs the broker password or the Authorization header', () => {
    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(0);
    expect(text).not.toContain(PASS);
    expect(text).not.toContain(Buffer.from(`${USER}:${PASS}`).toString('base64'));
  });
});

describe('OSB broker with a failing store', () => {
  it('answers 503 with a generic OSB body and logs the store error', async () => {
    const broken = await SqliteBindingStore.open(join(dir, 'broken.db'));
    await broken.close();
    const before = logs.length;
    const app = createBrokerApp({
      store: broken,
      logger,
      config: { user: USER, pass: PASS, serviceId: SERVICE_ID, planId: PLAN_ID, baseUrl: '' },
    });
    const brokenServer = app.listen(0, '127.0.0.1');
    try {
      await new Promise<void>((resolve) => brokenServer.once('listening', () => resolve()));
      const client = new OsbClient(
        `http://127.0.0.1:${(brokenServer.address() as AddressInfo).port}/broker`,
        [USER, PASS],
      );
      const answer = await client.call('PUT', INSTANCE, { body: provisionBody });
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ description: 'the binding store is unavailable, retry later' });
      expect(logs.slice(before).map((l) => l.level)).toContain('error');
    } finally {
      await new Promise<void>((resolve) => brokenServer.close(() => resolve()));
    }
  });
});
