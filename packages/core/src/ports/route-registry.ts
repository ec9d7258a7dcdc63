import type { Endpoint, RouteEntry } from '../routes/endpoint.js';

/** The write side of the route table: what route sources call. Implemented by core's `RouteTable`. */
export interface RouteRegistry {
  /** Adds or refreshes `endpoint` under the route key of `uri`; records the clock's now as last seen. */
  register(uri: string, endpoint: Endpoint): void;
  /** Removes the endpoint with this address from the route key of `uri` (a no-op when absent). */
  unregister(uri: string, endpoint: Pick<Endpoint, 'address'>): void;
  /** Removes every endpoint whose last registration is older than its TTL. Returns how many were removed. */
  prune(): number;
  /** Marks every endpoint as seen now (used after a NATS reconnect so nothing is mass-pruned). */
  markAllFresh(): void;
}

/** The read side of the route table: indexed lookups, never linear scans. */
export interface RouteLookup {
  /** `process_type == web` instances of org/space/app names (exact, case-sensitive), one per address. */
  findByName(org: string, space: string, app: string): readonly RouteEntry[];
  /** `process_type == web` instances of the app GUID (tags.app_id), one per address. */
  findByAppGuid(appGuid: string): readonly RouteEntry[];
  /** Instances under a route (`host[/path]`, normalised like gorouter; wildcard fallback), one per address. */
  findByRoute(route: string): readonly RouteEntry[];
  /** Every entry, for the `/routes` dump and discovery. */
  entries(): Iterable<RouteEntry>;
  /** Number of (route key, endpoint) entries. */
  readonly size: number;
}
