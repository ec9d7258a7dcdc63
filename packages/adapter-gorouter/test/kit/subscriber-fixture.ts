import { RouteTable } from '@promfetcher/core';
import type { Clock } from '@promfetcher/core';
import { NatsRouteSubscriber } from '../../src/nats-route-subscriber.js';
import type { NatsRouteSubscriberOptions } from '../../src/nats-route-subscriber.js';
import { registryMessage } from './emitter.js';
import { RecordingLogger } from './recording-logger.js';
import { RecordingTelemetry } from './recording-telemetry.js';

export const systemClock: Clock = { now: () => Date.now() };

export interface Subject {
  readonly subscriber: NatsRouteSubscriber;
  readonly table: RouteTable;
  readonly logger: RecordingLogger;
  readonly telemetry: RecordingTelemetry;
}

/** Starts subscribers with test-friendly options and stops every one of them in `stopAll()` (afterEach). */
export class SubscriberFixture {
  private readonly started: NatsRouteSubscriber[] = [];

  /** Starts a subscriber; unless `wait` is false, resolves once it is subscribed and has published router.start. */
  async start(
    server: string,
    options: Partial<NatsRouteSubscriberOptions> = {},
    clock: Clock = systemClock,
    wait = true,
  ): Promise<Subject> {
    const table = new RouteTable(clock, { maxTtlSeconds: 120 });
    const logger = new RecordingLogger();
    const telemetry = new RecordingTelemetry();
    const subscriber = new NatsRouteSubscriber({
      table,
      clock,
      logger,
      telemetry,
      options: {
        servers: [server],
        pingIntervalMs: 20_000,
        dropletStaleThresholdMs: 120_000,
        startResponseDelayIntervalMs: 20_000,
        pruneIntervalMs: 3_600_000,
        index: 3,
        settleMs: 200,
        reconnectWaitMs: 100,
        localIp: '127.0.0.1',
        ...options,
      },
    });
    this.started.push(subscriber);
    await subscriber.start();
    if (wait) await subscriber.subscribed();
    return { subscriber, table, logger, telemetry };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((subscriber) => subscriber.stop()));
  }
}

/** A register message for instance `index` of the app `app-shop` on shop.apps.example.com, at 10.0.0.1:`port`. */
export function shop(
  index: string,
  port: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return registryMessage(
    { host: '10.0.0.1', port },
    { appId: 'app-shop', index, uri: 'shop.apps.example.com' },
    extra,
  );
}
