/**
 * Issue 5 "Done when", end to end: the built bin with the broker on a SQLite file, a simulated foundation
 * whose `spring` app serves its metrics only on `/actuator/prometheus`. Over real HTTP: provision, bind with
 * `{"endpoint": "/actuator/prometheus"}`, scrape; an explicit `metric_path` wins; the binding survives a
 * restart of the process; unbind falls back to `/metrics`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFoundation } from '../src/simulator/index.js';
import type { Foundation, SimApp } from '../src/simulator/index.js';
import { e2eGetText, e2eLabel, e2eSamples } from './kit/e2e-net.js';
import { E2eOsbClient } from './kit/e2e-osb-client.js';
import type { OsbIds } from './kit/e2e-osb-client.js';
import { assertBuilt, baseConfigLines, startServerProcess, waitUntil } from './kit/main-process.js';
import type { RunningServer } from './kit/main-process.js';

const BROKER = { user: 'cc', pass: 'e2e-broker-secret' };
const CUSTOM_PATH = '/actuator/prometheus';
const INSTANCE_ID = 'e2e-instance-1';
const BINDING_ID = 'e2e-binding-1';

const started: RunningServer[] = [];
let foundation: Foundation;
let spring: SimApp;
let dbDir: string;
let server: RunningServer;
let osb: E2eOsbClient;
let ids: OsbIds;

function config(): string {
  const g = foundation.gorouter;
  return [
    ...baseConfigLines(g),
    'max_scrape_timeout: 5s',
    `broker: {user: ${BROKER.user}, pass: ${BROKER.pass}}`,
    `db_conn: ${JSON.stringify(`sqlite://${join(dbDir, 'pf.db')}`)}`,
    'data_dir: $DATA_DIR',
  ].join('\n');
}

/** Starts the bin and waits until its routing table is loaded (health 200). */
async function startServer(): Promise<RunningServer> {
  const s = await startServerProcess(config());
  started.push(s);
  await waitUntil(async () => (await fetch(s.healthUrl)).status === 200, 'health 200', 200);
  osb = new E2eOsbClient(s.url, BROKER);
  return s;
}

async function springMetrics(query = ''): Promise<string> {
  const answer = await e2eGetText(`${server.url}/v1/apps/acme/prod/spring/metrics${query}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** The merged answer carries every instance's own series, stamped with the CF labels of that instance. */
function expectAppSeries(body: string): void {
  const up = e2eSamples(body, 'promfetcher_instance_up');
  expect(up).toHaveLength(spring.instances.length);
  for (const line of up) expect(line.endsWith(' 1')).toBe(true);
  expect(e2eSamples(body, 'promfetcher_scrape_error')).toEqual([]);
  const requests = e2eSamples(body, 'http_requests_total');
  expect(requests.length).toBeGreaterThan(0);
  for (const line of requests) {
    expect(e2eLabel(line, 'app_name')).toBe('spring');
    expect(e2eLabel(line, 'app_id')).toBe(spring.guid);
    expect(e2eLabel(line, 'organization_name')).toBe('acme');
    expect(e2eLabel(line, 'organization_id')).toBe(spring.orgGuid);
    expect(e2eLabel(line, 'space_name')).toBe('prod');
    expect(e2eLabel(line, 'space_id')).toBe(spring.spaceGuid);
  }
  const seen = new Set(requests.map((line) => e2eLabel(line, 'instance')));
  expect(seen).toEqual(new Set(spring.instances.map((i) => i.address)));
}

/** Only failure series: every instance answered 404 on the path promfetcher asked for. */
function expectOnly404s(body: string): void {
  const errors = e2eSamples(body, 'promfetcher_scrape_error');
  expect(errors).toHaveLength(spring.instances.length);
  for (const line of errors) {
    expect(e2eLabel(line, 'reason')).toBe('status_4xx');
    expect(e2eLabel(line, 'app_name')).toBe('spring');
  }
  for (const line of e2eSamples(body, 'promfetcher_instance_up')) expect(line.endsWith(' 0')).toBe(true);
  expect(e2eSamples(body, 'http_requests_total')).toEqual([]);
}

beforeAll(async () => {
  assertBuilt();
  dbDir = mkdtempSync(join(tmpdir(), 'promfetcher-broker-e2e-'));
  foundation = await startFoundation({
    apps: [
      { org: 'acme', space: 'prod', name: 'spring', instances: 2, metricsPath: CUSTOM_PATH },
      { org: 'acme', space: 'prod', name: 'shop', instances: 1 },
    ],
  });
  spring = foundation.app('acme', 'prod', 'spring');
  server = await startServer();
  ids = await osb.catalogIds();
}, 30_000);

afterAll(async () => {
  await Promise.all(started.map((s) => s.kill()));
  await foundation.stop();
  rmSync(dbDir, { recursive: true, force: true });
});

describe('broker binding end to end (built bin, SQLite, simulated foundation)', () => {
  it('before any binding the default /metrics path only yields failure series (status_4xx)', async () => {
    expectOnly404s(await springMetrics());
  });

  it('provision, then bind the app with {"endpoint": "/actuator/prometheus"}: the app is scraped there', async () => {
    const provisioned = await osb.provision(INSTANCE_ID, ids, spring.orgGuid, spring.spaceGuid);
    expect(provisioned.status).toBe(201);
    const bound = await osb.bind(INSTANCE_ID, BINDING_ID, ids, spring.guid, { endpoint: CUSTOM_PATH });
    expect(bound).toEqual({ status: 201, body: { credentials: { endpoint: CUSTOM_PATH } } });
    expectAppSeries(await springMetrics());
    // The binding is per app: another app keeps its default path.
    const shop = await e2eGetText(`${server.url}/v1/apps/acme/prod/shop/metrics`);
    expect(e2eSamples(shop.body, 'promfetcher_instance_up')).toEqual([
      expect.stringMatching(/app_name="shop".* 1$/),
    ]);
  });

  it('an explicit ?metric_path=/metrics wins over the binding', async () => {
    expectOnly404s(await springMetrics('?metric_path=/metrics'));
    expectAppSeries(await springMetrics(`?metric_path=${encodeURIComponent(CUSTOM_PATH)}`));
  });

  it('the binding survives a restart of the process on the same database', async () => {
    process.kill(server.pid, 'SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${server.url}/metrics`)).rejects.toThrow();
    expect(existsSync(join(dbDir, 'pf.db'))).toBe(true);

    server = await startServer();
    expectAppSeries(await springMetrics());
    const fetched = await osb.request(
      'GET',
      `/v2/service_instances/${INSTANCE_ID}/service_bindings/${BINDING_ID}`,
    );
    expect(fetched).toMatchObject({ status: 200, body: { credentials: { endpoint: CUSTOM_PATH } } });
  });

  it('unbind: the app falls back to /metrics', async () => {
    expect(await osb.unbind(INSTANCE_ID, BINDING_ID, ids)).toEqual({ status: 200, body: {} });
    expectOnly404s(await springMetrics());
    expect(await osb.unbind(INSTANCE_ID, BINDING_ID, ids)).toMatchObject({ status: 410 });
  });
});
