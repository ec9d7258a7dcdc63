import { connect } from 'nats';
import type { NatsConnection, Subscription } from 'nats';

/** A registry message as route-emitter sends it (spec §2.2); every field may be overridden. */
export function registryMessage(
  address: { host: string; port: number; tlsPort?: number },
  app: { appId: string; index: string; uri: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    host: address.host,
    port: address.port,
    ...(address.tlsPort === undefined ? {} : { tls_port: address.tlsPort }),
    uris: [app.uri],
    protocol: 'http1',
    app: app.appId,
    private_instance_id: `guid-${app.appId}-${app.index}`,
    private_instance_index: app.index,
    server_cert_domain_san: `guid-${app.appId}-${app.index}`,
    endpoint_updated_at_ns: 1718100000123456789,
    tags: {
      component: 'route-emitter',
      app_id: app.appId,
      app_name: `name-${app.appId}`,
      organization_name: 'acme',
      space_name: 'prod',
      process_type: 'web',
      instance_id: app.index,
    },
    ...extra,
  };
}

/**
 * A route-emitter stand-in: keeps its own table of registrations and replays all of them on every
 * `router.start` it receives (spec §2.3). `starts` records the start messages seen.
 */
export class EmitterStandIn {
  readonly starts: Record<string, unknown>[] = [];
  readonly table = new Map<string, Record<string, unknown>>();
  private subscription: Subscription | undefined;

  private constructor(readonly connection: NatsConnection) {}

  static async connect(server: string): Promise<EmitterStandIn> {
    const connection = await connect({ servers: [server], maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    const emitter = new EmitterStandIn(connection);
    emitter.subscription = connection.subscribe('router.start', {
      callback: (error, msg) => {
        if (error !== null) return;
        emitter.starts.push(msg.json<Record<string, unknown>>());
        emitter.replay();
      },
    });
    await connection.flush();
    return emitter;
  }

  /** Registers (publishes and remembers) a message. */
  register(message: Record<string, unknown>): void {
    this.table.set(`${String(message['host'])}:${String(message['port'])}`, message);
    this.publish('router.register', message);
  }

  /** Forgets a registration without publishing the unregister (a missed unregister). */
  forget(message: Record<string, unknown>): void {
    this.table.delete(`${String(message['host'])}:${String(message['port'])}`);
  }

  unregister(message: Record<string, unknown>): void {
    this.forget(message);
    this.publish('router.unregister', message);
  }

  replay(): void {
    for (const message of this.table.values()) this.publish('router.register', message);
  }

  publish(subject: string, message: unknown): void {
    this.connection.publish(subject, typeof message === 'string' ? message : JSON.stringify(message));
  }

  async flush(): Promise<void> {
    await this.connection.flush();
  }

  async close(): Promise<void> {
    this.subscription?.unsubscribe();
    if (!this.connection.isClosed()) await this.connection.close();
  }
}
