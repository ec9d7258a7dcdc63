import type { RouteLookup } from '../../ports/route-registry.js';
import type { RouteSource } from '../../ports/route-source.js';
import type { Endpoint } from '../../routes/endpoint.js';

/**
 * What the route-source contract suite drives. Each implementation (core's in-memory fake, the gorouter
 * poller, the NATS subscriber) provides one: `announce`/`withdraw` change the routing data in the source's
 * own medium (a method call, the fake gorouter's JSON, a NATS publish); `sync` waits until the source has
 * applied everything announced so far (e.g. triggers a poll, or flushes NATS).
 */
export interface RouteSourceHarness {
  readonly source: RouteSource;
  /** The table the source writes into. */
  readonly table: RouteLookup;
  announce(uri: string, endpoint: Endpoint): Promise<void>;
  withdraw(uri: string, endpoint: Endpoint): Promise<void>;
  sync(): Promise<void>;
  /** Stops the source and everything the harness started. */
  close(): Promise<void>;
}
