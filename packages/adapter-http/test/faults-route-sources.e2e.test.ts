/**
 * Issue 9 §2, route-source faults, end to end through the built server (`pnpm build` first): a real
 * `promfetcher --config file.yml` process, simulated app instances, a gorouter `/routes` stand-in that can be
 * made to fail, and a `nats-server` of our own that is killed and restarted. Whatever the route source does,
 * the process stays up, every scrape answers every instance of the last good table with the CF labels
 * (checked with core's parser), the failures are counted on `/metrics`, and a recovered source with a changed
 * table is applied.
 *
 * Health, per the product's rule (docs/config.md, `health_check_port`): 200 once the route table is loaded,
 * whatever happens to the source afterwards; the body says `ok\n` when the table is fresh and
 * `ok: route table stale (<detail>)\n` during an outage. Staleness is also visible on `/metrics` as
 * `promfetcher_route_source_stale` (1 during the outage, 0 after recovery) and as
 * `promfetch_latest_time_scrape_route` (seconds since the table was last updated), which passes the staleness
 * bound during an outage and falls back once the source recovers. The NATS tests share one server and run in order (the flood starts from the
 * table the restart test leaves).
 */
import { parseExposition, parseText } from '@promfetcher/core';
import type { Sample } from '@promfetcher/core';
import { startNatsServer } from '../../adapter-gorouter/test/kit/nats-server.js';
import type { NatsServerHandle } from '../../adapter-gorouter/test/kit/nats-server.js';
import { startFoundation, startNatsRegistrar } from '../src/simulator/index.js';
import type {
  Foundation,
  GorouterRoutesJson,
  NatsRegistrar,
  RegistryMessage,
  SimApp,
  SimInstance,
} from '../src/simulator/index.js';
import { assertBuilt, LISTENER_LINES, startServerProcess, waitUntil } from './kit/main-process.js';
import type { RunningServer } from './kit/main-process.js';
import { startFaultyGorouter } from './kit/route-faults-gorouter.js';
import type { FaultyGorouter, RouteFaultMode } from './kit/route-faults-gorouter.js';
import { connectRawNats, malformedRegistryPayloads } from './kit/route-faults-nats.js';
import type { RawNatsClient, RejectReason } from './kit/route-faults-nats.js';

const POLL_INTERVAL = '200ms';
const STALENESS_BOUND_S = 1.5;
/** NATS: endpoints live this long without a re-register (droplet_stale_threshold), pruned every PRUNE. */
const TTL_S = 3;
const PRUNE_INTERVAL_MS = 500;
const HEARTBEAT_MS = 500;
const FLOOD = 5_000;
const CF_LABELS = [
  'organization_id',
  'space_id',
  'app_id',
  'organization_name',
  'space_name',
  'app_name',
  'index',
  'instance_id',
  'instance',
];

let foundation: Foundation;
let gorouter: FaultyGorouter | undefined;
let nats: NatsServerHandle | undefined;
const servers: RunningServer[] = [];
const registrars: NatsRegistrar[] = [];
const rawClients: RawNatsClient[] = [];

beforeAll(async () => {
  assertBuilt();
  foundation = await startFoundation({
    apps: [
      { org: 'acme', space: 'prod', name: 'ledger', instances: 3 },
      { org: 'acme', space: 'prod', name: 'orders', instances: 3 },
    ],
  });
}, 15_000);

afterAll(async () => {
  for (const client of rawClients) client.close();
  // A registrar whose NATS died may never finish its goodbye: bounded.
  await Promise.all(
    registrars.map((r) => Promise.race([r.stop(), new Promise((resolve) => setTimeout(resolve, 1_000))])),
  );
  await Promise.all(servers.map((server) => server.kill()));
  await nats?.stop();
  await gorouter?.close();
  await foundation.stop();
}, 20_000);

// --- helpers ---------------------------------------------------------------------------------------------

function alive(server: RunningServer): boolean {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return false;
  process.kill(server.pid, 0); // throws when there is no such process
  return true;
}

async function healthOf(server: RunningServer): Promise<{ status: number; body: string }> {
  const response = await fetch(server.healthUrl);
  return { status: response.status, body: await response.text() };
}

/** The health body while the table is stale: `ok` first, then the source's detail on one line. */
const STALE_HEALTH = /^ok: route table stale \([^\n]+\)\n$/;

/** `promfetcher_route_source_stale`: 1 while the route source reports its table stale, else 0. */
function staleGauge(server: RunningServer): Promise<number> {
  return ownMetric(server, 'promfetcher_route_source_stale');
}

/** promfetcher's own `/metrics`, parsed: the sum of the samples named `name` whose labels include `labels`. */
async function ownMetric(
  server: RunningServer,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(`${server.url}/metrics`);
  const parsed = parseText(await response.text());
  if (!parsed.ok) throw new Error(`/metrics does not parse: ${parsed.error.message}`);
  const samples = parsed.value.families.flatMap((f) => f.samples).filter((s) => s.name === name);
  if (samples.length === 0 && Object.keys(labels).length === 0) throw new Error(`/metrics has no ${name}`);
  return samples
    .filter((s) =>
      Object.entries(labels).every(([k, v]) => s.labels.some((l) => l.name === k && l.value === v)),
    )
    .reduce((sum, s) => sum + s.value, 0);
}

function labelOf(sample: Sample, name: string): string | undefined {
  return sample.labels.find((l) => l.name === name)?.value;
}

interface Served {
  readonly status: number;
  /** The `instance` label of every app sample (not promfetcher's accounting series). */
  readonly addresses: ReadonlySet<string>;
  readonly problems: readonly string[];
}

/**
 * Scrapes the app through promfetcher and checks the answer against `expected`: 200, a valid exposition for
 * its Content-Type, app series from exactly the expected instances, each with the nine CF labels right, and
 * `promfetcher_instance_up` 1 for each.
 */
async function scrape(server: RunningServer, app: SimApp, expected: readonly SimInstance[]): Promise<Served> {
  const response = await fetch(`${server.url}/v1/apps/${app.org}/${app.space}/${app.name}/metrics`);
  const body = await response.text();
  const problems: string[] = [];
  const parsed = parseExposition(body, response.headers.get('content-type') ?? undefined);
  if (!parsed.ok) return { status: response.status, addresses: new Set(), problems: [parsed.error.message] };
  const samples = parsed.value.families.flatMap((f) => f.samples);
  const appSamples = samples.filter((s) => !s.name.startsWith('promfetcher_'));
  const addresses = new Set(appSamples.map((s) => labelOf(s, 'instance') ?? '(none)'));
  for (const instance of expected) {
    const own = appSamples.filter((s) => labelOf(s, 'instance') === instance.address);
    if (own.length === 0) problems.push(`no series of instance ${instance.index} (${instance.address})`);
    const want: Record<string, string> = {
      organization_id: app.orgGuid,
      space_id: app.spaceGuid,
      app_id: app.guid,
      organization_name: app.org,
      space_name: app.space,
      app_name: app.name,
      index: String(instance.index),
      instance_id: String(instance.index),
      instance: instance.address,
    };
    const wrong = own.find((s) => CF_LABELS.some((name) => labelOf(s, name) !== want[name]));
    if (wrong !== undefined)
      problems.push(`wrong CF labels on ${wrong.name}: ${JSON.stringify(wrong.labels)}`);
    const up = samples.find(
      (s) => s.name === 'promfetcher_instance_up' && labelOf(s, 'instance') === instance.address,
    );
    if (up?.value !== 1) problems.push(`promfetcher_instance_up of ${instance.address} is ${up?.value}`);
  }
  const want = new Set(expected.map((i) => i.address));
  for (const address of addresses) if (!want.has(address)) problems.push(`unexpected instance ${address}`);
  return { status: response.status, addresses, problems };
}

async function expectServes(
  server: RunningServer,
  app: SimApp,
  expected: readonly SimInstance[],
): Promise<void> {
  const served = await scrape(server, app, expected);
  expect({ status: served.status, problems: served.problems }).toEqual({ status: 200, problems: [] });
  expect([...served.addresses].sort()).toEqual(expected.map((i) => i.address).sort());
}

async function servesExactly(
  server: RunningServer,
  app: SimApp,
  expected: readonly SimInstance[],
): Promise<boolean> {
  const served = await scrape(server, app, expected);
  return served.status === 200 && served.problems.length === 0;
}

function instances(app: SimApp, ...indexes: number[]): SimInstance[] {
  return indexes.map((i) => {
    const instance = app.instances[i];
    if (instance === undefined) throw new Error(`${app.name} has no instance ${i}`);
    return instance;
  });
}

function logCount(server: RunningServer, msg: string): number {
  return server.logs().filter((l) => l['msg'] === msg).length;
}

// --- 1. gorouter /routes polling -------------------------------------------------------------------------

describe('route source faults, gorouter /routes polling (built bin)', () => {
  it('serves the last good table through 401, 500, garbage, truncation and an outage; counts them; applies the recovered table', async () => {
    const ledger = foundation.app('acme', 'prod', 'ledger');
    let listed = new Set(instances(ledger, 0, 1).map((i) => i.address));
    const table = (): GorouterRoutesJson =>
      Object.fromEntries(
        Object.entries(foundation.routesJson())
          .map(([key, endpoints]) => [key, endpoints.filter((e) => listed.has(e.address))] as const)
          .filter(([, endpoints]) => endpoints.length > 0),
      );
    gorouter = await startFaultyGorouter({ user: 'router-status', pass: 'Sup3r-s3cret-pw', table });
    const server = await startServerProcess(
      [
        `gorouters: [{host: 127.0.0.1, port: ${gorouter.port}, user: ${gorouter.user}, pass: ${gorouter.pass}}]`,
        `gorouter_poll_interval: ${POLL_INTERVAL}`,
        'gorouter_request_timeout: 2s',
        `gorouter_staleness_bound: ${STALENESS_BOUND_S * 1000}ms`,
        ...LISTENER_LINES,
        'broker: {enable: false}',
        'max_scrape_timeout: 5s',
        'data_dir: $DATA_DIR',
      ].join('\n'),
    );
    servers.push(server);
    const failed = (): Promise<number> => ownMetric(server, 'promfetch_scrape_route_failed_total');
    const age = (): Promise<number> => ownMetric(server, 'promfetch_latest_time_scrape_route');

    await waitUntil(async () => (await healthOf(server)).status === 200, 'health 200', 200);
    await waitUntil(() => servesExactly(server, ledger, instances(ledger, 0, 1)), 'the first table', 200);
    await expectServes(server, ledger, instances(ledger, 0, 1));
    expect(await failed()).toBe(0);
    expect(await age()).toBeLessThan(STALENESS_BOUND_S);
    expect(await ownMetric(server, 'promfetcher_route_table_endpoints')).toBe(2);
    expect(await healthOf(server)).toEqual({ status: 200, body: 'ok\n' });
    expect(await staleGauge(server)).toBe(0);

    const faults: RouteFaultMode[] = ['unauthorized', 'status500', 'garbage', 'truncated'];
    for (const mode of faults) {
      const before = await failed();
      const warned = logCount(server, 'gorouter /routes poll failed; keeping its last good table');
      gorouter.mode = mode;
      await waitUntil(
        async () => gorouter!.requests[mode] >= 2 && (await failed()) >= before + 2,
        `two failed polls in mode ${mode}`,
        200,
      );
      await expectServes(server, ledger, instances(ledger, 0, 1));
      // Failed polls since the last good one may by now span the staleness bound: fresh or stale, always 200.
      const health = await healthOf(server);
      expect(health.status).toBe(200);
      expect(health.body).toMatch(/^ok(: route table stale \([^\n]+\))?\n$/);
      expect(logCount(server, 'gorouter /routes poll failed; keeping its last good table')).toBeGreaterThan(
        warned,
      );
      expect(alive(server)).toBe(true);
    }
    const errors = server
      .logs()
      .filter((l) => l['msg'] === 'gorouter /routes poll failed; keeping its last good table')
      .map((l) => String(l['error']));
    expect(errors.some((e) => e.includes('HTTP 401'))).toBe(true);
    expect(errors.some((e) => e.includes('HTTP 500'))).toBe(true);
    // The credentials never reach the logs.
    expect(JSON.stringify(server.logs())).not.toContain(gorouter.pass);

    // The outage: connection refused on every poll.
    const beforeOutage = await failed();
    await gorouter.down();
    await waitUntil(async () => (await failed()) >= beforeOutage + 2, 'two refused polls', 200);
    await waitUntil(
      async () => (await age()) > STALENESS_BOUND_S,
      'the table to pass the staleness bound',
      200,
    );
    await expectServes(server, ledger, instances(ledger, 0, 1));
    expect(await ownMetric(server, 'promfetcher_route_table_endpoints')).toBe(2);
    // The product's rule: the health port stays 200 while the last good table is served, and says it is stale.
    await waitUntil(async () => (await staleGauge(server)) === 1, 'promfetcher_route_source_stale 1', 200);
    const staleHealth = await healthOf(server);
    expect(staleHealth.status).toBe(200);
    expect(staleHealth.body).toMatch(STALE_HEALTH);
    expect(staleHealth.body).toContain(`last poll failed for http://127.0.0.1:${gorouter.port}/routes`);
    expect(staleHealth.body).toContain(`older than ${Math.round(STALENESS_BOUND_S)} s`);
    expect(staleHealth.body).not.toContain(gorouter.pass);
    expect(alive(server)).toBe(true);

    // Recovery with a changed table: instance 0 is gone, instance 2 is new.
    listed = new Set(instances(ledger, 1, 2).map((i) => i.address));
    gorouter.mode = 'ok';
    await gorouter.up();
    await waitUntil(() => servesExactly(server, ledger, instances(ledger, 1, 2)), 'the recovered table', 200);
    await expectServes(server, ledger, instances(ledger, 1, 2));
    expect(await age()).toBeLessThan(STALENESS_BOUND_S);
    expect(await ownMetric(server, 'promfetcher_route_table_endpoints')).toBe(2);
    expect(await healthOf(server)).toEqual({ status: 200, body: 'ok\n' });
    expect(await staleGauge(server)).toBe(0);
    // Healthy polls again: the failure counter stops moving.
    const settled = await failed();
    const okBefore = gorouter.requests.ok;
    await waitUntil(async () => gorouter!.requests.ok >= okBefore + 3, 'three more good polls', 200);
    expect(await failed()).toBe(settled);
    expect(alive(server)).toBe(true);
  }, 30_000);
});

// --- 2 and 3. NATS ---------------------------------------------------------------------------------------

describe('route source faults, NATS (built bin, own nats-server)', () => {
  let server: RunningServer;
  let orders: SimApp;
  /** The route-emitter stand-in registering instances 1 and 2 after the NATS restart. */
  let emitter: NatsRegistrar | undefined;
  const messagesOf = (app: SimApp, ...indexes: number[]): RegistryMessage[] => {
    const addresses = new Set(instances(app, ...indexes).map((i) => `127.0.0.1:${i.server.port}`));
    return foundation
      .registryMessages()
      .filter((m) => m.tags['app_id'] === app.guid && addresses.has(`${m.host}:${m.port}`));
  };

  beforeAll(async () => {
    orders = foundation.app('acme', 'prod', 'orders');
    nats = await startNatsServer();
    server = await startServerProcess(
      [
        `nats: {hosts: [{hostname: 127.0.0.1, port: ${nats.port}}]}`,
        `droplet_stale_threshold: ${TTL_S}s`,
        `prune_interval: ${PRUNE_INTERVAL_MS}ms`,
        'start_response_delay_interval: 1s',
        'nats_client_ping_interval: 1s',
        ...LISTENER_LINES,
        'broker: {enable: false}',
        'max_scrape_timeout: 5s',
        'data_dir: $DATA_DIR',
      ].join('\n'),
    );
    servers.push(server);
  }, 20_000);

  it('keeps serving (no pruning) while NATS is dead; after a restart it re-announces, prunes again and applies new registrations', async () => {
    const natsServer = nats!;
    const first = await startNatsRegistrar({ server: natsServer.server, heartbeatMs: HEARTBEAT_MS }, () =>
      messagesOf(orders, 0, 1),
    );
    registrars.push(first);
    await waitUntil(async () => (await healthOf(server)).status === 200, 'health 200', 200);
    await waitUntil(() => servesExactly(server, orders, instances(orders, 0, 1)), 'the NATS table', 200);
    await expectServes(server, orders, instances(orders, 0, 1));
    expect(await healthOf(server)).toEqual({ status: 200, body: 'ok\n' });
    expect(await staleGauge(server)).toBe(0);
    const pruned = await ownMetric(server, 'promfetcher_route_endpoints_pruned_total');

    // Kill NATS by PID; keep it dead for longer than the TTL plus two prune cycles.
    const pid = natsServer.pid;
    if (pid === undefined) throw new Error('nats-server is not running');
    process.kill(pid, 'SIGKILL');
    await waitUntil(
      async () => logCount(server, 'lost the NATS connection; pruning suspended') >= 1,
      'promfetcher to notice the lost connection',
      200,
    );
    const deadUntil = Date.now() + TTL_S * 1000 + 2 * PRUNE_INTERVAL_MS + 500;
    let scrapesWhileDead = 0;
    for (let round = 0; round < 40 && Date.now() < deadUntil; round++) {
      await expectServes(server, orders, instances(orders, 0, 1));
      // The product's rule: health stays 200 once loaded, and says the table is stale.
      expect(await healthOf(server)).toEqual({
        status: 200,
        body: 'ok: route table stale (disconnected from NATS; pruning suspended)\n',
      });
      expect(await staleGauge(server)).toBe(1);
      scrapesWhileDead++;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(scrapesWhileDead).toBeGreaterThanOrEqual(3);
    expect(await ownMetric(server, 'promfetcher_route_endpoints_pruned_total')).toBe(pruned);
    expect(await ownMetric(server, 'promfetch_latest_time_scrape_route')).toBeGreaterThan(TTL_S);
    expect(alive(server)).toBe(true);

    // Restart on the same port; a new route-emitter registers instances 1 and 2 (0 is gone).
    const reconnectsBefore = logCount(server, 'reconnected to NATS; publishing router.start');
    await natsServer.restart();
    emitter = await startNatsRegistrar({ server: natsServer.server, heartbeatMs: HEARTBEAT_MS }, () =>
      messagesOf(orders, 1, 2),
    );
    registrars.push(emitter);
    await waitUntil(
      async () => logCount(server, 'reconnected to NATS; publishing router.start') > reconnectsBefore,
      'promfetcher to reconnect and publish router.start',
      200,
    );
    // Instance 2 shows up; instance 0, no longer registered, is pruned one TTL after the reconnect — and
    // only it: the reconnect marked every endpoint fresh, so the outage did not mass-prune.
    await waitUntil(
      () => servesExactly(server, orders, instances(orders, 1, 2)),
      'instance 2 in, instance 0 pruned',
      200,
      50,
    );
    await expectServes(server, orders, instances(orders, 1, 2));
    expect(await ownMetric(server, 'promfetcher_route_endpoints_pruned_total')).toBe(pruned + 1);
    expect(await ownMetric(server, 'promfetch_latest_time_scrape_route')).toBeLessThan(TTL_S);
    expect(await healthOf(server)).toEqual({ status: 200, body: 'ok\n' });
    expect(await staleGauge(server)).toBe(0);
    expect(alive(server)).toBe(true);
  }, 30_000);

  it('a flood of 5,000 malformed registry messages changes nothing and is counted; valid messages after it apply', async () => {
    const natsServer = nats!;
    // Precondition: the state the previous test left (instances 1 and 2 registered by a route-emitter).
    await waitUntil(() => servesExactly(server, orders, instances(orders, 1, 2)), 'instances 1 and 2', 200);
    const target = instances(orders, 1)[0]!;
    const payloads = malformedRegistryPayloads(FLOOD, {
      uri: orders.routes[0]!,
      host: '127.0.0.1',
      port: target.server.port,
      tags: orders.tagsOf(target),
    });
    const expected = new Map<RejectReason, number>();
    for (const p of payloads) expected.set(p.reason, (expected.get(p.reason) ?? 0) + 1);
    const reasons = [...expected.keys()];
    const rejected = async (): Promise<Map<RejectReason, number>> =>
      new Map(
        await Promise.all(
          reasons.map(
            async (reason) =>
              [
                reason,
                await ownMetric(server, 'promfetcher_route_messages_rejected_total', { reason }),
              ] as const,
          ),
        ),
      );
    const before = await rejected();
    const warnedBefore = logCount(server, 'rejected a NATS registry message');

    const flooder = await connectRawNats(natsServer.port);
    rawClients.push(flooder);
    payloads.forEach((p, i) =>
      flooder.publish(i % 2 === 0 ? 'router.register' : 'router.unregister', p.payload),
    );
    await flooder.flush();
    const total = async (): Promise<number> => [...(await rejected()).values()].reduce((a, b) => a + b, 0);
    const beforeTotal = [...before.values()].reduce((a, b) => a + b, 0);
    await waitUntil(
      async () => (await total()) >= beforeTotal + FLOOD,
      'every malformed message counted',
      200,
    );
    const after = await rejected();
    for (const reason of reasons) {
      expect({ reason, counted: (after.get(reason) ?? 0) - (before.get(reason) ?? 0) }).toEqual({
        reason,
        counted: expected.get(reason),
      });
    }
    expect(alive(server)).toBe(true);
    await expectServes(server, orders, instances(orders, 1, 2));
    expect(await ownMetric(server, 'promfetcher_route_table_endpoints')).toBe(2);
    expect(await healthOf(server)).toEqual({ status: 200, body: 'ok\n' });
    // Logged at most once per reason per 10 s, not 5,000 times.
    expect(logCount(server, 'rejected a NATS registry message') - warnedBefore).toBeLessThanOrEqual(
      2 * reasons.length,
    );

    // Valid messages after the flood apply: one register of instance 0 (no heartbeat), then the
    // route-emitter's unregisters of instances 1 and 2.
    const applied = async (kind: 'register' | 'unregister'): Promise<number> =>
      ownMetric(server, 'promfetcher_route_messages_applied_total', { kind });
    const [registers, unregisters] = [await applied('register'), await applied('unregister')];
    const [zero] = messagesOf(orders, 0);
    if (zero === undefined || emitter === undefined)
      throw new Error('the previous test left no route-emitter');
    flooder.publish('router.register', JSON.stringify(zero));
    await flooder.flush();
    await waitUntil(() => servesExactly(server, orders, instances(orders, 0, 1, 2)), 'instance 0 back', 200);
    expect(await applied('register')).toBeGreaterThan(registers);
    const pruned = await ownMetric(server, 'promfetcher_route_endpoints_pruned_total');
    flooder.publish('router.register', JSON.stringify(zero)); // a fresh TTL for the next step
    await emitter.stop();
    await waitUntil(
      () => servesExactly(server, orders, instances(orders, 0)),
      'instances 1 and 2 unregistered',
      200,
    );
    await expectServes(server, orders, instances(orders, 0));
    expect(await applied('unregister')).toBe(unregisters + 2);
    // Removed by the unregisters, not by their TTL.
    expect(await ownMetric(server, 'promfetcher_route_endpoints_pruned_total')).toBe(pruned);
    expect(await ownMetric(server, 'promfetcher_route_table_endpoints')).toBe(1);

    // Nobody re-registers instance 0: pruned one TTL later. The app is then unknown (404, no old series),
    // and the table-size gauge says so.
    await waitUntil(
      async () => (await ownMetric(server, 'promfetcher_route_endpoints_pruned_total')) >= pruned + 1,
      'instance 0 pruned',
      200,
    );
    const gone = await fetch(`${server.url}/v1/apps/${orders.org}/${orders.space}/${orders.name}/metrics`);
    expect(gone.status).toBe(404);
    expect(await gone.text()).not.toContain('instance="127.0.0.1:');
    expect(await ownMetric(server, 'promfetcher_route_table_endpoints')).toBe(0);
    expect(await healthOf(server)).toEqual({ status: 200, body: 'ok\n' });
    expect(alive(server)).toBe(true);
  }, 30_000);
});
