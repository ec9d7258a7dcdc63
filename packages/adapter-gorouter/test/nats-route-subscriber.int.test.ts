import { ManualClock } from '@promfetcher/core/testing';
import type { Clock } from '@promfetcher/core';
import type { NatsRouteSubscriberOptions } from '../src/nats-route-subscriber.js';
import { EmitterStandIn, registryMessage } from './kit/emitter.js';
import { startNatsServer } from './kit/nats-server.js';
import type { NatsServerHandle } from './kit/nats-server.js';
import { SubscriberFixture, shop } from './kit/subscriber-fixture.js';
import type { Subject } from './kit/subscriber-fixture.js';
import { waitFor } from './kit/wait-for.js';

const fixture = new SubscriberFixture();

describe('NatsRouteSubscriber against a real nats-server', () => {
  let nats: NatsServerHandle;
  let emitter: EmitterStandIn;

  beforeAll(async () => {
    nats = await startNatsServer();
    emitter = await EmitterStandIn.connect(nats.server);
  });

  /** Starts a subscriber and waits until the emitter has seen its router.start (and replayed, here nothing). */
  async function startSynced(
    options: Partial<NatsRouteSubscriberOptions> = {},
    clock?: Clock,
  ): Promise<Subject> {
    const subject = await fixture.start(nats.server, options, clock);
    const id = subject.subscriber.startMessage.id;
    await waitFor(
      () => emitter.starts.some((start) => start['id'] === id),
      'the emitter to see router.start',
    );
    return subject;
  }

  afterEach(async () => {
    await fixture.stopAll();
    emitter.table.clear();
    emitter.starts.length = 0;
  });

  afterAll(async () => {
    await emitter.close();
    await nats.stop();
  });

  it('publishes router.start at start, with the index, local IP and the two intervals (spec §2.3)', async () => {
    const { subscriber } = await startSynced();
    await waitFor(() => emitter.starts.length === 1, 'router.start');
    expect(emitter.starts[0]).toEqual({
      id: subscriber.startMessage.id,
      hosts: ['127.0.0.1'],
      minimumRegisterIntervalInSeconds: 20,
      pruneThresholdInSeconds: 120,
    });
    expect(subscriber.startMessage.id).toMatch(
      /^3-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('answers router.greet with the start message', async () => {
    const { subscriber } = await startSynced();
    const reply = await emitter.connection.request('router.greet', new Uint8Array(), { timeout: 2_000 });
    expect(reply.json()).toEqual(subscriber.startMessage);
  });

  it('applies register and unregister; tls_port wins over port', async () => {
    const { subscriber, table, telemetry } = await startSynced();
    const tlsInstance = registryMessage(
      { host: '10.0.16.22', port: 61014, tlsPort: 61001 },
      { appId: 'app-shop', index: '1', uri: 'Shop.Apps.Example.com/' },
    );
    emitter.register(shop('0', 61012));
    emitter.register(tlsInstance);
    await emitter.flush();
    await waitFor(() => table.size === 2, 'two registrations');
    const entries = table.findByAppGuid('app-shop');
    expect(entries.map((e) => [e.endpoint.address, e.endpoint.tls]).sort()).toEqual([
      ['10.0.0.1:61012', false],
      ['10.0.16.22:61001', true],
    ]);
    expect(table.findByRoute('shop.apps.example.com')).toHaveLength(2);
    expect(subscriber.status()).toMatchObject({ ready: true, stale: false });

    emitter.unregister(tlsInstance);
    await emitter.flush();
    await waitFor(() => table.size === 1, 'the unregister');
    expect(table.findByAppGuid('app-shop').map((e) => e.endpoint.address)).toEqual(['10.0.0.1:61012']);
    expect(telemetry.registers).toBe(2);
    expect(telemetry.unregisters).toBe(1);
  });

  it('rejects a non-https route_service_url on register and on unregister', async () => {
    const { table, telemetry } = await startSynced();
    emitter.register(shop('0', 1, { route_service_url: 'http://rs.example.com' }));
    emitter.register(shop('1', 2, { route_service_url: 'https://rs.example.com' }));
    await emitter.flush();
    await waitFor(() => telemetry.registers + telemetry.rejectedTotal === 2, 'both messages');
    expect(table.findByAppGuid('app-shop').map((e) => e.endpoint.address)).toEqual(['10.0.0.1:2']);
    emitter.publish('router.unregister', shop('1', 2, { route_service_url: 'http://rs.example.com' }));
    await emitter.flush();
    await waitFor(() => telemetry.rejectedTotal === 2, 'the unregister');
    expect(table.size).toBe(1);
    expect(telemetry.rejected.get('route-service-url-not-https')).toBe(2);
  });

  it('ignores routes without tags.app_id (system components) and empty uris', async () => {
    const { table, telemetry, logger } = await startSynced();
    emitter.publish('router.register', {
      host: '10.0.0.5',
      port: 8080,
      uris: ['uaa.sys.example.com'],
      tags: { component: 'uaa' },
    });
    emitter.publish('router.register', { ...shop('0', 3), uris: [] });
    emitter.publish('router.register', { host: '10.0.0.6', port: 8080 });
    emitter.register(shop('1', 4));
    await emitter.flush();
    await waitFor(() => table.size === 1, 'the app route');
    expect(telemetry.rejectedTotal).toBe(0);
    expect(table.findByRoute('uaa.sys.example.com')).toHaveLength(0);
    expect(logger.at('error')).toHaveLength(0);
  });

  it('counts a flood of malformed messages without crashing, and keeps applying good ones', async () => {
    const { subscriber, table, telemetry, logger } = await startSynced();
    const bad: unknown[] = [
      '',
      '{not json',
      '[]',
      'null',
      { ...shop('0', 1), port: '61012' },
      { ...shop('0', 1), tags: { app_id: 'app-shop', instance_id: 0 } },
      { ...shop('0', 1), uris: 'shop.apps.example.com' },
      { ...shop('0', 1), host: 42 },
      { ...shop('0', 1), host: '' },
    ];
    const flood = 9_000;
    for (let i = 0; i < flood; i++) {
      emitter.publish(i % 2 === 0 ? 'router.register' : 'router.unregister', bad[i % bad.length]);
    }
    emitter.register(shop('7', 7));
    await emitter.flush();
    await waitFor(() => table.size === 1 && telemetry.rejectedTotal === flood, 'the flood');
    expect(telemetry.rejected.get('invalid-json')).toBe(2_000);
    expect(telemetry.rejected.get('wrong-type')).toBe(6_000);
    expect(telemetry.rejected.get('missing-field')).toBe(1_000);
    expect(subscriber.status().stale).toBe(false);
    // Rate-limited: one line per reason per interval, not 9,000.
    expect(
      logger.at('warn').filter((l) => l.message === 'rejected a NATS registry message').length,
    ).toBeLessThanOrEqual(3);
  });

  it('prunes an endpoint that is not re-registered within a real short TTL (spec §5.1)', async () => {
    const { table, telemetry } = await startSynced({ pruneIntervalMs: 200 });
    emitter.register(shop('0', 1, { stale_threshold_in_seconds: 1 }));
    emitter.register(shop('1', 2, { stale_threshold_in_seconds: 1 }));
    await emitter.flush();
    await waitFor(() => table.size === 2, 'two registrations');
    const heartbeat = setInterval(
      () => emitter.publish('router.register', shop('1', 2, { stale_threshold_in_seconds: 1 })),
      200,
    );
    try {
      const t0 = Date.now();
      await waitFor(() => table.size === 1, 'the prune', 5_000);
      const elapsed = Date.now() - t0;
      expect(elapsed).toBeGreaterThanOrEqual(700);
      expect(table.findByAppGuid('app-shop').map((e) => e.endpoint.address)).toEqual(['10.0.0.1:2']);
      expect(telemetry.prunedTotal).toBe(1);
    } finally {
      clearInterval(heartbeat);
    }
  });

  it('prunes on a ManualClock once the TTL lapses, and not before', async () => {
    const clock = new ManualClock(5_000_000);
    const { subscriber, table } = await startSynced({}, clock);
    emitter.register(shop('0', 1));
    emitter.register(shop('1', 2, { stale_threshold_in_seconds: 30 }));
    await emitter.flush();
    await waitFor(() => table.size === 2, 'two registrations');
    clock.advance(30_000);
    expect(subscriber.pruneNow()).toBe(0);
    clock.advance(1);
    expect(subscriber.pruneNow()).toBe(1);
    clock.advance(89_999);
    expect(subscriber.pruneNow()).toBe(0);
    clock.advance(1);
    expect(subscriber.pruneNow()).toBe(1);
    expect(table.size).toBe(0);
  });

  it('is ready after the settle time even when nothing registers (ManualClock)', async () => {
    const clock = new ManualClock(0);
    const { subscriber } = await startSynced({ settleMs: 5_000 }, clock);
    expect(subscriber.status()).toMatchObject({ ready: false, stale: false });
    clock.advance(5_000);
    expect(subscriber.status()).toMatchObject({ ready: true, stale: false });
  });

  it('absorbs a burst of 50,000 register messages without losing any', async () => {
    const { table, telemetry } = await startSynced();
    const count = 50_000;
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const message = registryMessage(
        { host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 61_000 + (i % 100) },
        {
          appId: `app-${i % 5_000}`,
          index: String(Math.floor(i / 5_000)),
          uri: `app-${i % 5_000}.apps.example.com`,
        },
      );
      emitter.publish('router.register', message);
    }
    await emitter.flush();
    await waitFor(() => telemetry.registers === count, '50,000 registers', 60_000);
    const ms = performance.now() - t0;
    expect(table.size).toBe(count);
    expect(telemetry.rejectedTotal).toBe(0);
    expect(table.findByAppGuid('app-42')).toHaveLength(10);
    process.stdout.write(
      `NATS burst: ${count} router.register applied in ${ms.toFixed(0)} ms (${Math.round(count / (ms / 1_000))} msg/s)\n`,
    );
  }, 90_000);
});
