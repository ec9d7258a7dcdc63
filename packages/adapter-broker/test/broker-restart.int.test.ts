/** A bind made through the OSB API survives a restart of promfetcher (store closed, file reopened). */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BindingStore } from '@promfetcher/core';
import { silentLogger } from '@promfetcher/core';
import { createBrokerApp } from '../src/broker-app.js';
import { CachedEndpointOverrides } from '../src/cached-endpoint-overrides.js';
import { openBindingStore } from '../src/open-binding-store.js';
import { OsbClient } from './kit/osb-client.js';

const config = { user: 'u', pass: 'p', serviceId: 'svc', planId: 'plan', baseUrl: '' };
const dataDir = mkdtempSync(join(tmpdir(), 'pf-restart-'));

interface Running {
  readonly store: BindingStore;
  readonly overrides: CachedEndpointOverrides;
  readonly server: Server;
  readonly osb: OsbClient;
}

async function start(): Promise<Running> {
  const store = await openBindingStore(undefined, { dataDir });
  const overrides = new CachedEndpointOverrides(store, { now: () => 0 });
  const server = createBrokerApp({ store, overrides, config, logger: silentLogger }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const osb = new OsbClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/broker`, ['u', 'p']);
  return { store, overrides, server, osb };
}

async function stop(running: Running): Promise<void> {
  await new Promise<void>((resolve) => running.server.close(() => resolve()));
  await running.store.close();
}

let current: Running | undefined;
afterAll(async () => {
  if (current !== undefined) await stop(current);
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps instances and bindings across a restart', async () => {
  current = await start();
  const provision = { service_id: 'svc', plan_id: 'plan', organization_guid: 'o', space_guid: 's' };
  expect((await current.osb.call('PUT', '/v2/service_instances/i', { body: provision })).status).toBe(201);
  const bind = (endpoint: string): Record<string, unknown> => ({
    service_id: 'svc',
    plan_id: 'plan',
    bind_resource: { app_guid: 'app' },
    parameters: { endpoint },
  });
  expect(
    (await current.osb.call('PUT', '/v2/service_instances/i/service_bindings/old', { body: bind('/old') }))
      .status,
  ).toBe(201);
  expect(
    (await current.osb.call('PUT', '/v2/service_instances/i/service_bindings/new', { body: bind('/new') }))
      .status,
  ).toBe(201);
  expect(await current.overrides.endpointFor('app')).toBe('/new');
  await stop(current);
  current = undefined;

  current = await start();
  expect(await current.overrides.endpointFor('app')).toBe('/new');
  const fetched = await current.osb.call('GET', '/v2/service_instances/i/service_bindings/new');
  expect(fetched).toMatchObject({ status: 200, body: { credentials: { endpoint: '/new' } } });
  expect((await current.osb.call('PUT', '/v2/service_instances/i', { body: provision })).status).toBe(200);
  expect(
    (
      await current.osb.call(
        'DELETE',
        '/v2/service_instances/i/service_bindings/new?service_id=svc&plan_id=plan',
      )
    ).status,
  ).toBe(200);
  expect(await current.overrides.endpointFor('app')).toBe('/old');
});
