import { ManualClock } from '@promfetcher/core/testing';
import { EmitterStandIn } from './kit/emitter.js';
import { startNatsServer } from './kit/nats-server.js';
import type { NatsServerHandle } from './kit/nats-server.js';
import { SubscriberFixture, shop, systemClock } from './kit/subscriber-fixture.js';
import { waitFor } from './kit/wait-for.js';

const fixture = new SubscriberFixture();

describe('NatsRouteSubscriber across a nats-server restart', () => {
  let nats: NatsServerHandle;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterEach(async () => {
    await fixture.stopAll();
    for (const close of closers.splice(0)) await close();
  });

  afterAll(async () => {
    await nats.stop();
  });

  it('republishes router.start after the reconnect, and the emitter replay rebuilds the table', async () => {
    const emitter = await EmitterStandIn.connect(nats.server);
    closers.push(() => emitter.close());
    // The subscriber reconnects after 1 s, the emitter after 50 ms: the emitter is back in time to see the start.
    const { subscriber, table, logger } = await fixture.start(nats.server, {
      reconnectWaitMs: 1_000,
      pruneIntervalMs: 100,
    });
    const moved = shop('1', 2);
    emitter.register(shop('0', 1));
    emitter.register(moved);
    await emitter.flush();
    await waitFor(() => table.size === 2 && emitter.starts.length === 1, 'the initial table');

    await nats.stop();
    await waitFor(() => subscriber.status().stale, 'the disconnect');
    expect(subscriber.status().detail).toContain('disconnected');
    // While NATS is down the platform changes: instance 1 moves (its unregister is lost), instance 2 starts.
    emitter.forget(moved);
    emitter.table.set('10.0.0.1:3', shop('2', 3));
    // Pruning is suspended while disconnected: nothing is removed even though the prune timer runs.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(table.size).toBe(2);

    await nats.restart();
    await waitFor(() => emitter.starts.length === 2, 'router.start after the reconnect', 15_000);
    expect(emitter.starts[1]).toEqual(subscriber.startMessage);
    await waitFor(() => table.findByAppGuid('app-shop').length === 3, 'the replayed table', 5_000);
    expect(
      table
        .findByAppGuid('app-shop')
        .map((e) => e.endpoint.address)
        .sort(),
    ).toEqual(['10.0.0.1:1', '10.0.0.1:2', '10.0.0.1:3']);
    expect(subscriber.status()).toMatchObject({ ready: true, stale: false });
    expect(logger.at('warn').some((l) => l.message.includes('lost the NATS connection'))).toBe(true);
  }, 30_000);

  it('suspends pruning while disconnected and marks everything fresh on reconnect (ManualClock)', async () => {
    const clock = new ManualClock(1_000_000);
    const emitter = await EmitterStandIn.connect(nats.server);
    closers.push(() => emitter.close());
    const { subscriber, table } = await fixture.start(nats.server, { reconnectWaitMs: 100 }, clock);
    emitter.register(shop('0', 1, { stale_threshold_in_seconds: 10 }));
    await emitter.flush();
    await waitFor(() => table.size === 1, 'the registration');

    await nats.stop();
    await waitFor(() => subscriber.status().stale, 'the disconnect');
    clock.advance(60_000);
    expect(subscriber.pruneNow()).toBe(0);
    expect(table.size).toBe(1);

    emitter.forget(shop('0', 1));
    await nats.restart();
    await waitFor(() => !subscriber.status().stale, 'the reconnect', 15_000);
    // Fresh as of the reconnect: the 10 s TTL counts from now, not from the last register before the outage.
    expect(subscriber.pruneNow()).toBe(0);
    clock.advance(10_000);
    expect(subscriber.pruneNow()).toBe(0);
    clock.advance(1);
    expect(subscriber.pruneNow()).toBe(1);
    expect(table.size).toBe(0);
  }, 30_000);

  it('keeps retrying when NATS is down at start, and connects when it comes up', async () => {
    await nats.stop();
    const { subscriber } = await fixture.start(nats.server, {}, systemClock, false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(subscriber.status()).toMatchObject({ ready: false, stale: true, detail: 'connecting to NATS' });
    await nats.restart();
    await subscriber.subscribed();
    expect(subscriber.status().stale).toBe(false);
  }, 20_000);
});
