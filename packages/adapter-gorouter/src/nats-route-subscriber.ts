import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { connect } from 'nats';
import type { ConnectionOptions, Msg, NatsConnection, NatsError, Status } from 'nats';
import { PromfetcherError } from '@promfetcher/core';
import type { Clock, Logger, RouteRegistry, RouteSource, RouteSourceStatus } from '@promfetcher/core';
import { decodeRegistryMessage } from './decode-registry-message.js';
import { LogThrottle } from './log-throttle.js';
import type { RouteSourceTelemetry } from './route-source-telemetry.js';

/** After `router.start`, the source counts as ready when a register arrives or after this settle time. */
export const DEFAULT_NATS_START_SETTLE_MS = 5_000;
/** Wait between reconnect attempts (and between first-connect attempts). */
export const DEFAULT_NATS_RECONNECT_WAIT_MS = 1_000;
/** At most one log line per reason per this interval for malformed messages. */
export const DEFAULT_MALFORMED_LOG_INTERVAL_MS = 10_000;
/** `stop()` waits this long for the drain before closing the connection. */
export const NATS_DRAIN_TIMEOUT_MS = 5_000;

export const SUBJECT_REGISTER = 'router.register';
export const SUBJECT_UNREGISTER = 'router.unregister';
export const SUBJECT_START = 'router.start';
export const SUBJECT_GREET = 'router.greet';

export interface NatsRouteSubscriberOptions {
  /** `host:port` of each NATS server. */
  readonly servers: readonly string[];
  readonly user?: string;
  readonly pass?: string;
  /** Present → TLS required. `ca` replaces the system roots; `cert`/`key` is the optional client certificate. */
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
  readonly pingIntervalMs: number;
  /** `droplet_stale_threshold`: the longest TTL, advertised as `pruneThresholdInSeconds`. */
  readonly dropletStaleThresholdMs: number;
  /** `start_response_delay_interval`: advertised as `minimumRegisterIntervalInSeconds`. */
  readonly startResponseDelayIntervalMs: number;
  readonly pruneIntervalMs: number;
  /** `index`: the start message id is `<index>-<uuid>`. */
  readonly index: number;
  readonly settleMs?: number;
  readonly reconnectWaitMs?: number;
  /** The IP announced in `hosts`; default: the first non-internal IPv4 address. */
  readonly localIp?: string;
}

export interface NatsRouteSubscriberDeps {
  readonly table: RouteRegistry & { readonly size: number };
  readonly clock: Clock;
  readonly logger: Logger;
  readonly telemetry: RouteSourceTelemetry;
  readonly options: NatsRouteSubscriberOptions;
}

/** The `router.start` message (also the `router.greet` reply), spec §2.3. */
export interface RouterStartMessage {
  readonly id: string;
  readonly hosts: readonly string[];
  readonly minimumRegisterIntervalInSeconds: number;
  readonly pruneThresholdInSeconds: number;
}

function firstExternalIpv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}

/**
 * Listens to NATS like a gorouter does (spec §2.5): applies `router.register` / `router.unregister` to the route
 * table, answers `router.greet`, publishes `router.start` at start and after every reconnect (so emitters replay
 * their whole table), and prunes endpoints not re-registered within their TTL — which the Go original never did
 * (spec §5.1). Pruning is suspended while disconnected; on reconnect every endpoint is marked fresh, so an outage
 * never mass-prunes. Malformed messages are counted and logged (rate-limited), never thrown.
 */
export class NatsRouteSubscriber implements RouteSource {
  readonly name = 'nats';
  readonly startMessage: RouterStartMessage;
  private readonly table: RouteRegistry & { readonly size: number };
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly telemetry: RouteSourceTelemetry;
  private readonly options: NatsRouteSubscriberOptions;
  private readonly throttle: LogThrottle;
  private readonly maxTtlSeconds: number;
  private readonly encodedStart: Uint8Array;
  private running = false;
  private connection: NatsConnection | undefined;
  private connected = false;
  private startPublishedAtMs: number | undefined;
  private registerSeen = false;
  private readyLatched = false;
  private lastUpdateMs: number | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private firstStart: { promise: Promise<void>; resolve: () => void };

  constructor(deps: NatsRouteSubscriberDeps) {
    this.table = deps.table;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.telemetry = deps.telemetry;
    this.options = deps.options;
    this.throttle = new LogThrottle(deps.logger, deps.clock, DEFAULT_MALFORMED_LOG_INTERVAL_MS);
    this.maxTtlSeconds = Math.max(1, Math.round(deps.options.dropletStaleThresholdMs / 1_000));
    this.startMessage = {
      id: `${deps.options.index}-${randomUUID()}`,
      hosts: [deps.options.localIp ?? firstExternalIpv4()],
      minimumRegisterIntervalInSeconds: Math.round(deps.options.startResponseDelayIntervalMs / 1_000),
      pruneThresholdInSeconds: this.maxTtlSeconds,
    };
    this.encodedStart = new TextEncoder().encode(JSON.stringify(this.startMessage));
    this.firstStart = this.newFirstStart();
  }

  /** Starts connecting in the background (NATS may be down at boot) and starts the prune timer. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.firstStart = this.newFirstStart();
    this.pruneTimer = setInterval(() => {
      try {
        this.pruneNow();
      } catch (error) {
        this.logger.error({ error: errorText(error) }, 'prune cycle failed');
      }
    }, this.options.pruneIntervalMs);
    this.loop = this.connectLoop();
  }

  /** Resolves once connected, subscribed and `router.start` published for the first time. */
  subscribed(): Promise<void> {
    return this.firstStart.promise;
  }

  /**
   * Round-trips a PING to the server: when it resolves, every message the server had routed to this subscriber
   * before has been applied (callbacks run in order). Publish + the publisher's flush + this = "applied".
   */
  async flush(): Promise<void> {
    const connection = this.connection;
    if (connection === undefined || connection.isClosed()) {
      throw new PromfetcherError('PF_ROUTES', 'flush: not connected to NATS');
    }
    await connection.flush();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.pruneTimer !== undefined) clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
    this.wake?.();
    const connection = this.connection;
    if (connection !== undefined && !connection.isClosed()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, NATS_DRAIN_TIMEOUT_MS);
      });
      await Promise.race([connection.drain().catch(() => undefined), timeout]);
      clearTimeout(timer);
      if (!connection.isClosed()) await connection.close().catch(() => undefined);
    }
    await this.loop;
    this.connected = false;
  }

  /** Runs one prune cycle now (the timer calls this every `pruneIntervalMs`). Suspended while disconnected. */
  pruneNow(): number {
    if (!this.connected) return 0;
    const removed = this.table.prune();
    this.telemetry.pruned(removed);
    if (removed > 0) {
      // The table size changed; the update time stays the last applied message's.
      this.telemetry.tableUpdated(this.name, this.lastUpdateMs ?? this.clock.now(), this.table.size);
      this.logger.info(
        { removed, endpoints: this.table.size },
        'pruned endpoints not re-registered within their TTL',
      );
    }
    return removed;
  }

  status(): RouteSourceStatus {
    const now = this.clock.now();
    if (
      !this.readyLatched &&
      this.startPublishedAtMs !== undefined &&
      (this.registerSeen ||
        now - this.startPublishedAtMs >= (this.options.settleMs ?? DEFAULT_NATS_START_SETTLE_MS))
    ) {
      this.readyLatched = true;
    }
    const detail = !this.running
      ? 'stopped'
      : this.connected
        ? `connected; ${this.table.size} endpoints`
        : this.startPublishedAtMs === undefined
          ? 'connecting to NATS'
          : 'disconnected from NATS; pruning suspended';
    return {
      ready: this.readyLatched,
      stale: !this.connected,
      detail,
      ...(this.lastUpdateMs !== undefined ? { lastUpdateMs: this.lastUpdateMs } : {}),
    };
  }

  private newFirstStart(): { promise: Promise<void>; resolve: () => void } {
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  private connectionOptions(): ConnectionOptions {
    const { options } = this;
    const connectionOptions: ConnectionOptions = {
      servers: [...options.servers],
      name: `promfetcher-${this.startMessage.id}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectWaitMs ?? DEFAULT_NATS_RECONNECT_WAIT_MS,
      pingInterval: options.pingIntervalMs,
      noEcho: true,
    };
    if (options.user !== undefined) connectionOptions.user = options.user;
    if (options.pass !== undefined) connectionOptions.pass = options.pass;
    if (options.tls !== undefined) {
      const tls: NonNullable<ConnectionOptions['tls']> = {};
      if (options.tls.ca !== undefined) tls.ca = options.tls.ca;
      if (options.tls.cert !== undefined) tls.cert = options.tls.cert;
      if (options.tls.key !== undefined) tls.key = options.tls.key;
      connectionOptions.tls = tls;
    }
    return connectionOptions;
  }

  /** Connects (retrying until stopped), serves the connection until it closes, and starts over. */
  private async connectLoop(): Promise<void> {
    let attempts = 0;
    while (this.running) {
      let connection: NatsConnection | undefined;
      try {
        connection = await connect(this.connectionOptions());
      } catch (error) {
        attempts++;
        this.throttle.log(
          'warn',
          'connect',
          { servers: this.options.servers, attempts, error: errorText(error) },
          'cannot connect to NATS; retrying',
        );
      }
      if (connection !== undefined) {
        attempts = 0;
        if (!this.running) {
          await connection.close();
          return;
        }
        this.connection = connection;
        await this.serve(connection);
        this.connection = undefined;
        this.connected = false;
        if (!this.running) return;
        this.logger.error({ servers: this.options.servers }, 'NATS connection closed; connecting again');
      }
      await this.sleep(this.options.reconnectWaitMs ?? DEFAULT_NATS_RECONNECT_WAIT_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async serve(connection: NatsConnection): Promise<void> {
    const statusEvents = connection.status();
    const statusWatch = this.watchStatus(connection, statusEvents).catch((error: unknown) =>
      this.logger.error({ error: errorText(error) }, 'NATS status watch failed'),
    );
    try {
      connection.subscribe(SUBJECT_REGISTER, {
        callback: (error, msg) => this.onRegistry('register', error, msg),
      });
      connection.subscribe(SUBJECT_UNREGISTER, {
        callback: (error, msg) => this.onRegistry('unregister', error, msg),
      });
      connection.subscribe(SUBJECT_GREET, { callback: (error, msg) => this.onGreet(error, msg) });
      this.connected = true;
      this.logger.info({ server: connection.getServer() }, 'connected to NATS');
      await this.publishStart(connection);
      this.firstStart.resolve();
    } catch (error) {
      this.logger.error({ error: errorText(error) }, 'NATS subscription failed');
      await connection.close().catch(() => undefined);
    }
    const closedWith = await connection.closed();
    if (closedWith !== undefined && this.running) {
      this.logger.error({ error: closedWith.message }, 'NATS connection closed with an error');
    }
    // nats.js 2.x never ends `status()` iterators when the connection closes: end ours, or the watch hangs.
    const stop = (statusEvents as { stop?: () => void }).stop;
    if (typeof stop === 'function') {
      stop.call(statusEvents);
      await statusWatch;
    }
  }

  private async watchStatus(connection: NatsConnection, events: AsyncIterable<Status>): Promise<void> {
    for await (const event of events) {
      if (event.type === 'disconnect') {
        this.connected = false;
        this.logger.warn({ server: String(event.data) }, 'lost the NATS connection; pruning suspended');
      } else if (event.type === 'reconnect') {
        this.connected = true;
        this.table.markAllFresh();
        this.logger.info({ server: String(event.data) }, 'reconnected to NATS; publishing router.start');
        await this.publishStart(connection).catch((error: unknown) =>
          this.logger.error({ error: errorText(error) }, 'cannot publish router.start after reconnect'),
        );
      } else if (event.type === 'error') {
        this.logger.warn({ error: String(event.data) }, 'NATS async error');
      }
    }
  }

  private async publishStart(connection: NatsConnection): Promise<void> {
    connection.publish(SUBJECT_START, this.encodedStart);
    await connection.flush();
    this.startPublishedAtMs ??= this.clock.now();
    this.logger.debug({ id: this.startMessage.id }, 'published router.start');
  }

  private onGreet(error: NatsError | null, msg: Msg): void {
    if (error !== null) {
      this.logger.warn({ error: error.message }, 'router.greet subscription error');
      return;
    }
    if (msg.reply !== undefined && msg.reply !== '') msg.respond(this.encodedStart);
  }

  private onRegistry(kind: 'register' | 'unregister', error: NatsError | null, msg: Msg): void {
    if (error !== null) {
      this.throttle.log('warn', 'subscription', { error: error.message }, 'NATS subscription error');
      return;
    }
    try {
      const decoded = decodeRegistryMessage(msg.data, this.maxTtlSeconds);
      if (!decoded.ok) {
        this.telemetry.messageRejected(decoded.reason);
        this.throttle.log(
          'warn',
          decoded.reason,
          { subject: msg.subject, reason: decoded.reason, detail: decoded.detail },
          'rejected a NATS registry message',
        );
        return;
      }
      const { message } = decoded;
      if (message.appId === undefined) {
        this.throttle.log(
          'debug',
          'not-app-route',
          { subject: msg.subject },
          'ignored a registry message without tags.app_id (not an app route)',
        );
        return;
      }
      for (const uri of message.uris) {
        if (kind === 'register') this.table.register(uri, message.endpoint);
        else this.table.unregister(uri, message.endpoint);
      }
      const now = this.clock.now();
      if (kind === 'register') this.registerSeen = true;
      this.lastUpdateMs = now;
      this.telemetry.messageApplied(kind);
      this.telemetry.tableUpdated(this.name, now, this.table.size);
    } catch (caught) {
      this.throttle.log(
        'error',
        'apply',
        { subject: msg.subject, error: errorText(caught) },
        'failed to apply a NATS registry message',
      );
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
