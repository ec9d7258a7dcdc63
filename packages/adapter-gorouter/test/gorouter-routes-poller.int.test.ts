import { RouteTable } from '@promfetcher/core';
import type { Clock, Endpoint } from '@promfetcher/core';
import { ManualClock } from '@promfetcher/core/testing';
import { GorouterRoutesPoller } from '../src/gorouter-routes-poller.js';
import type { GorouterRoutesPollerOptions } from '../src/gorouter-routes-poller.js';
import type { GorouterTarget } from '../src/fetch-gorouter-routes.js';
import { startFakeGorouter } from './kit/fake-gorouter.js';
import type { FakeGorouter, FakeGorouterMode } from './kit/fake-gorouter.js';
import { RecordingLogger } from './kit/recording-logger.js';
import { RecordingTelemetry } from './kit/recording-telemetry.js';
import { makeTlsMaterial } from './kit/tls-material.js';
import type { TlsMaterial } from './kit/tls-material.js';
import { waitFor } from './kit/wait-for.js';

const USER = 'router-status';
const PASS = 'pa55-word-never-logged';
const systemClock: Clock = { now: () => Date.now() };

function endpoint(address: string, appId: string, index: string, extra: Partial<Endpoint> = {}): Endpoint {
  return {
    address,
    tls: false,
    ttlSeconds: 120,
    tags: {
      app_id: appId,
      app_name: `app-${appId}`,
      organization_name: 'acme',
      space_name: 'prod',
      process_type: 'web',
      instance_id: index,
    },
    ...extra,
  };
}

function target(fake: FakeGorouter, pass = PASS, tls?: GorouterTarget['tls']): GorouterTarget {
  return { host: fake.host, port: fake.port, user: USER, pass, ...(tls === undefined ? {} : { tls }) };
}

interface Subject {
  readonly poller: GorouterRoutesPoller;
  readonly table: RouteTable;
  readonly logger: RecordingLogger;
  readonly telemetry: RecordingTelemetry;
}

const subjects: GorouterRoutesPoller[] = [];

function makePoller(
  gorouters: readonly GorouterTarget[],
  options: Partial<GorouterRoutesPollerOptions> = {},
  clock: Clock = systemClock,
): Subject {
  const table = new RouteTable(clock, { maxTtlSeconds: 120 });
  const logger = new RecordingLogger();
  const telemetry = new RecordingTelemetry();
  const poller = new GorouterRoutesPoller({
    table,
    clock,
    logger,
    telemetry,
    options: {
      gorouters,
      pollIntervalMs: 60_000,
      requestTimeoutMs: 2_000,
      stalenessBoundMs: 90_000,
      ...options,
    },
  });
  subjects.push(poller);
  return { poller, table, logger, telemetry };
}

const addresses = (entries: Iterable<{ endpoint: Endpoint }>): string[] =>
  [...entries].map((entry) => entry.endpoint.address).sort();

describe('GorouterRoutesPoller against a fake gorouter', () => {
  let first: FakeGorouter;
  let second: FakeGorouter;

  beforeAll(async () => {
    first = await startFakeGorouter({ user: USER, pass: PASS });
    second = await startFakeGorouter({ user: USER, pass: PASS });
  });

  afterEach(async () => {
    await Promise.all(subjects.splice(0).map((poller) => poller.stop()));
    first.mode = 'ok';
    second.mode = 'ok';
  });

  afterAll(async () => {
    await first.close();
    await second.close();
  });

  it('loads the endpoint-object shape; ready only after the first success', async () => {
    first.setRoutes({});
    first.announce('shop.apps.example.com', endpoint('10.0.16.21:61012', 'app-1', '0'));
    first.announce('shop.apps.example.com', endpoint('10.0.16.22:61001', 'app-1', '1', { tls: true }));
    first.announce('shop.apps.example.com/api', endpoint('10.0.17.5:61020', 'app-2', '0'));
    const { poller, table, telemetry } = makePoller([target(first)]);
    expect(poller.status()).toMatchObject({ ready: false });

    await poller.pollNow();

    expect(poller.status()).toMatchObject({ ready: true, stale: false });
    expect(table.size).toBe(3);
    expect(addresses(table.findByAppGuid('app-1'))).toEqual(['10.0.16.21:61012', '10.0.16.22:61001']);
    expect(addresses(table.findByRoute('shop.apps.example.com/api'))).toEqual(['10.0.17.5:61020']);
    expect(table.findByAppGuid('app-1').find((e) => e.endpoint.tls)?.endpoint.address).toBe(
      '10.0.16.22:61001',
    );
    expect(telemetry.tableUpdates.at(-1)).toMatchObject({ source: 'gorouter-poller', endpoints: 3 });
  });

  it('loads the old "ip:port" string shape', async () => {
    first.setRoutes({
      'old.example.com': ['10.0.0.1:8080', '10.0.0.2:8080'],
      'other.example.com': ['10.0.0.3:80'],
    });
    const { poller, table } = makePoller([target(first)]);
    await poller.pollNow();
    expect(addresses(table.findByRoute('old.example.com'))).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(table.size).toBe(3);
  });

  it('merges two gorouters: union per route key by address (spec §5.24)', async () => {
    first.setRoutes({});
    second.setRoutes({});
    first.announce('shop.example.com', endpoint('10.0.0.1:1', 'a', '0'));
    first.announce('shop.example.com', endpoint('10.0.0.2:1', 'a', '1'));
    second.announce('shop.example.com', endpoint('10.0.0.2:1', 'a', '1'));
    second.announce('shop.example.com', endpoint('10.0.0.3:1', 'a', '2'));
    second.announce('only-second.example.com', endpoint('10.0.0.9:1', 'b', '0'));
    const { poller, table } = makePoller([target(first), target(second)]);
    await poller.pollNow();
    expect(addresses(table.findByRoute('shop.example.com'))).toEqual([
      '10.0.0.1:1',
      '10.0.0.2:1',
      '10.0.0.3:1',
    ]);
    expect(addresses(table.findByRoute('only-second.example.com'))).toEqual(['10.0.0.9:1']);
    expect(table.size).toBe(4);
    expect(poller.status().detail).toContain('2/2 gorouters loaded');
  });

  it('replaces the table on each poll (a withdrawn endpoint disappears)', async () => {
    first.setRoutes({});
    first.announce('shop.example.com', endpoint('10.0.0.1:1', 'a', '0'));
    first.announce('shop.example.com', endpoint('10.0.0.2:1', 'a', '1'));
    const { poller, table } = makePoller([target(first)]);
    await poller.pollNow();
    first.withdraw('shop.example.com', '10.0.0.1:1');
    await poller.pollNow();
    expect(addresses(table.findByRoute('shop.example.com'))).toEqual(['10.0.0.2:1']);
  });

  it.each([1, 2])(
    'keeps the same endpoint objects across polls while they do not change (%i gorouters)',
    async (count) => {
      const fakes = [first, second].slice(0, count);
      for (const fake of fakes) {
        fake.setRoutes({});
        fake.announce('shop.example.com', endpoint('10.0.0.1:1', 'a', '0'));
        fake.announce('shop.example.com', endpoint('10.0.0.2:1', 'a', '1'));
      }
      const { poller, table } = makePoller(fakes.map((fake) => target(fake)));
      await poller.pollNow();
      const before = table.findByAppGuid('a').map((entry) => entry.endpoint);
      for (const fake of fakes) fake.announce('shop.example.com', endpoint('10.0.0.2:1', 'a', '7'));
      await poller.pollNow();
      const after = table.findByAppGuid('a').map((entry) => entry.endpoint);
      expect(after.map((e) => e.tags['instance_id'])).toEqual(['0', '7']);
      expect(after[0]).toBe(before[0]);
      expect(after[1]).not.toBe(before[1]);
      expect(Object.isFrozen(after[1])).toBe(true);
    },
  );

  const failures: [FakeGorouterMode | 'wrong password', RegExp][] = [
    ['status500', /: HTTP 500$/],
    ['garbage', /expected a JSON object, found "<"/],
    ['truncated', /body ends early \(truncated after \d+ characters\)/],
    ['reset', /body interrupted|truncated|aborted|socket hang up/],
    ['slow', /no complete answer within 300 ms/],
    ['wrong password', /HTTP 401 \(wrong user\/pass for this gorouter\)/],
  ];
  it.each(failures)(
    'a %s poll keeps the last good table, is counted and logged once',
    async (mode, message) => {
      first.setRoutes({});
      first.announce('shop.example.com', endpoint('10.0.0.1:1', 'a', '0'));
      const password = mode === 'wrong password' ? 'not-the-password' : PASS;
      const { poller, table, logger, telemetry } = makePoller([target(first, password)], {
        requestTimeoutMs: 300,
      });
      if (mode !== 'wrong password') await poller.pollNow();
      else {
        // Load a good table first with a correct poller, then swap the credentials: same table object.
        const good = makePoller([target(first)]);
        await good.poller.pollNow();
        table.adopt(good.table);
      }
      expect(table.size).toBe(1);

      first.mode = mode === 'wrong password' ? 'ok' : mode;
      first.slowMs = 1_000;
      first.announce('shop.example.com', endpoint('10.0.0.2:1', 'a', '1'));
      await poller.pollNow();

      expect(addresses(table.findByRoute('shop.example.com'))).toEqual(['10.0.0.1:1']);
      expect(telemetry.pollFailures).toBe(1);
      const warnings = logger.at('warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toBe('gorouter /routes poll failed; keeping its last good table');
      expect(warnings[0]?.fields['gorouter']).toBe(`http://127.0.0.1:${first.port}/routes`);
      expect(String(warnings[0]?.fields['error'])).toMatch(message);
      expect(String(warnings[0]?.fields['error'])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/routes: /);
      expect(logger.text()).not.toContain(password);
    },
  );

  it('keeps a failing gorouter’s last good part while the other one refreshes', async () => {
    first.setRoutes({ 'shop.example.com': [] });
    second.setRoutes({});
    first.announce('shop.example.com', endpoint('10.0.0.1:1', 'a', '0'));
    second.announce('shop.example.com', endpoint('10.0.0.2:1', 'a', '1'));
    const { poller, table, telemetry } = makePoller([target(first), target(second)]);
    await poller.pollNow();
    first.mode = 'status500';
    second.announce('shop.example.com', endpoint('10.0.0.3:1', 'a', '2'));
    await poller.pollNow();
    expect(addresses(table.findByRoute('shop.example.com'))).toEqual([
      '10.0.0.1:1',
      '10.0.0.2:1',
      '10.0.0.3:1',
    ]);
    expect(telemetry.pollFailures).toBe(1);
    expect(poller.status().detail).toContain(`last poll failed for http://127.0.0.1:${first.port}/routes`);
  });

  it('never becomes ready while every poll fails', async () => {
    first.mode = 'garbage';
    const { poller, table } = makePoller([target(first)]);
    await poller.pollNow();
    await poller.pollNow();
    expect(poller.status()).toMatchObject({ ready: false });
    expect(table.size).toBe(0);
  });

  it('turns stale on a ManualClock when the table is older than the staleness bound, fresh again after a success', async () => {
    const clock = new ManualClock(1_000_000);
    first.setRoutes({ 'a.example.com': ['10.0.0.1:1'] });
    const { poller } = makePoller([target(first)], { stalenessBoundMs: 90_000 }, clock);
    await poller.start();
    await poller.pollNow();
    expect(poller.status()).toEqual({
      ready: true,
      stale: false,
      lastUpdateMs: 1_000_000,
      detail: '1/1 gorouters loaded',
    });
    first.mode = 'status500';
    clock.advance(60_000);
    await poller.pollNow();
    expect(poller.status()).toMatchObject({ ready: true, stale: false, lastUpdateMs: 1_000_000 });
    clock.advance(30_001);
    expect(poller.status()).toMatchObject({ ready: true, stale: true });
    expect(poller.status().detail).toContain('older than 90 s');
    first.mode = 'ok';
    await poller.pollNow();
    expect(poller.status()).toMatchObject({ ready: true, stale: false, lastUpdateMs: 1_090_001 });
  });

  it('is stale when a gorouter has never answered within the bound since start', async () => {
    const clock = new ManualClock(0);
    first.mode = 'status500';
    const { poller } = makePoller([target(first)], { stalenessBoundMs: 1_000 }, clock);
    await poller.start();
    expect(poller.status().stale).toBe(false);
    clock.advance(1_001);
    expect(poller.status()).toMatchObject({ ready: false, stale: true });
  });

  it('polls by itself every interval once started, and stop() ends it', async () => {
    first.setRoutes({ 'a.example.com': ['10.0.0.1:1'] });
    const { poller, table } = makePoller([target(first)], { pollIntervalMs: 50 });
    await poller.start();
    await waitFor(() => table.size === 1, 'the first poll');
    first.setRoutes({ 'a.example.com': ['10.0.0.1:1', '10.0.0.2:1'] });
    await waitFor(() => table.size === 2, 'a later poll');
    await poller.stop();
    const requests = first.requests;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(first.requests).toBe(requests);
  });

  it('logs a warning when the credentials contain ":" (gorouter can never accept them)', () => {
    const { logger } = makePoller([{ ...target(first), pass: 'a:b' }]);
    expect(logger.at('warn')[0]?.message).toContain('contains ":"');
    expect(logger.text()).not.toContain('a:b');
  });
});

describe('GorouterRoutesPoller over https', () => {
  let tls: TlsMaterial;
  let fake: FakeGorouter;

  beforeAll(async () => {
    tls = makeTlsMaterial();
    fake = await startFakeGorouter({
      user: USER,
      pass: PASS,
      tls: { cert: tls.serverCertPem, key: tls.serverKeyPem },
    });
    fake.setRoutes({ 'secure.example.com': ['10.0.0.1:1'] });
  });

  afterEach(async () => {
    await Promise.all(subjects.splice(0).map((poller) => poller.stop()));
  });

  afterAll(async () => {
    await fake.close();
    tls.remove();
  });

  it('verifies the gorouter against the configured CA', async () => {
    const { poller, table } = makePoller([target(fake, PASS, { ca: tls.caPem, skipVerify: false })]);
    await poller.pollNow();
    expect(table.size).toBe(1);
  });

  it('fails without the CA, and succeeds with skip_verify', async () => {
    const strict = makePoller([target(fake, PASS, { skipVerify: false })]);
    await strict.poller.pollNow();
    expect(strict.table.size).toBe(0);
    expect(String(strict.logger.at('warn')[0]?.fields['error'])).toMatch(/certificate/);

    const lax = makePoller([target(fake, PASS, { skipVerify: true })]);
    await lax.poller.pollNow();
    expect(lax.table.size).toBe(1);
  });
});
