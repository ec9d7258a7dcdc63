/**
 * The routing table: gorouter's registry (route key → pool of endpoints keyed by address) plus indexes by
 * app GUID and by org/space/app names, maintained on every write so that lookups cost O(result) and never
 * scan the table (spec §5 items 1–5 are the bugs this replaces).
 *
 * Rules:
 * - `register` replaces an endpoint at the same address under the same key and refreshes its last-seen time;
 *   a refresh that changes nothing keeps every cached lookup result.
 * - `prune` removes endpoints whose last-seen + min(ttl, maxTtl) is before now, **TLS endpoints included**:
 *   gorouter keeps TLS endpoints until a connection to them fails, but we never route traffic through them,
 *   so the TTL is our only way to forget a dead TLS instance. Empty keys are deleted.
 * - Name and GUID lookups return only `process_type == web` endpoints (or without process_type), one per
 *   address; so do route lookups. Results are ordered by `tags.instance_id` (numerically; missing or
 *   non-numeric last), then address, and are frozen arrays of frozen entries: no later write changes them.
 * - Single-threaded by construction (JavaScript): there is no lock, and a lookup never sees a half write.
 */
import type { Clock } from '../ports/clock.js';
import type { RouteLookup, RouteRegistry } from '../ports/route-registry.js';
import type { Endpoint, RouteEntry } from './endpoint.js';
import { hostOfRouteKey, lookupRouteKey, routeKey, routeKeyCandidates } from './route-key.js';

export const DEFAULT_MAX_TTL_SECONDS = 120;

export interface RouteTableOptions {
  /** gorouter's `droplet_stale_threshold`: a per-endpoint TTL can only shorten it. Default 120. */
  readonly maxTtlSeconds?: number;
}

interface Slot {
  entry: RouteEntry;
  lastSeenMs: number;
  /** The app index group this slot is in (web endpoints with an app_id only). */
  guidKey: string | undefined;
  /** The name index group this slot is in (web endpoints with all three names only). */
  nameKey: string | undefined;
}

interface Pool {
  readonly slots: Map<string, Slot>;
  view: readonly RouteEntry[] | undefined;
}

/** An app's web endpoints: address → its slots (one per route key; usually one); one result per address. */
interface AppGroup {
  /** The group's key: one string shared by its slots. */
  readonly key: string;
  readonly byAddress: Map<string, Slot[]>;
  view: readonly RouteEntry[] | undefined;
}

interface State {
  pools: Map<string, Pool>;
  byGuid: Map<string, AppGroup>;
  byName: Map<string, AppGroup>;
  size: number;
  /** Set by `markAllFresh`: an endpoint's effective last-seen is at least this. */
  freshSinceMs: number;
}

const EMPTY: readonly RouteEntry[] = Object.freeze([]);

function emptyState(): State {
  return { pools: new Map(), byGuid: new Map(), byName: new Map(), size: 0, freshSinceMs: -Infinity };
}

export class RouteTable implements RouteRegistry, RouteLookup {
  private readonly clock: Clock;
  private readonly maxTtlMs: number;
  private state: State = emptyState();

  constructor(clock: Clock, options: RouteTableOptions = {}) {
    const maxTtl = options.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS;
    if (!Number.isFinite(maxTtl) || maxTtl <= 0) {
      throw new RangeError(`maxTtlSeconds must be a positive number, got ${String(maxTtl)}`);
    }
    this.clock = clock;
    this.maxTtlMs = maxTtl * 1000;
  }

  get size(): number {
    return this.state.size;
  }

  register(uri: string, endpoint: Endpoint): void {
    const key = routeKey(uri);
    const now = this.clock.now();
    const s = this.state;
    let pool = s.pools.get(key);
    if (pool === undefined) {
      pool = { slots: new Map(), view: undefined };
      s.pools.set(key, pool);
    }
    const existing = pool.slots.get(endpoint.address);
    if (existing !== undefined) {
      existing.lastSeenMs = now;
      if (sameEndpoint(existing.entry.endpoint, endpoint)) return;
      this.unindex(existing);
      existing.entry = makeEntry(key, endpoint);
      this.index(existing);
      pool.view = undefined;
      return;
    }
    const slot: Slot = {
      entry: makeEntry(key, endpoint),
      lastSeenMs: now,
      guidKey: undefined,
      nameKey: undefined,
    };
    pool.slots.set(endpoint.address, slot);
    pool.view = undefined;
    s.size++;
    this.index(slot);
  }

  unregister(uri: string, endpoint: Pick<Endpoint, 'address'>): void {
    const key = routeKey(uri);
    const pool = this.state.pools.get(key);
    const slot = pool?.slots.get(endpoint.address);
    if (pool === undefined || slot === undefined) return;
    this.remove(key, pool, slot);
  }

  prune(): number {
    const now = this.clock.now();
    const s = this.state;
    let removed = 0;
    for (const [key, pool] of s.pools) {
      for (const slot of pool.slots.values()) {
        const ttlSeconds = slot.entry.endpoint.ttlSeconds;
        const ttlMs = ttlSeconds > 0 ? Math.min(ttlSeconds * 1000, this.maxTtlMs) : this.maxTtlMs;
        if (Math.max(slot.lastSeenMs, s.freshSinceMs) + ttlMs < now) {
          this.remove(key, pool, slot);
          removed++;
        }
      }
    }
    return removed;
  }

  markAllFresh(): void {
    this.state.freshSinceMs = this.clock.now();
  }

  /** Removes every endpoint. */
  clear(): void {
    this.state = emptyState();
  }

  /**
   * Takes over `other`'s contents in O(1) and leaves `other` empty: a poller builds a fresh table off to
   * the side, then swaps it in, so readers never see a half-built table.
   */
  adopt(other: RouteTable): void {
    if (other === this) return;
    this.state = other.state;
    other.state = emptyState();
  }

  findByName(org: string, space: string, app: string): readonly RouteEntry[] {
    const group = this.state.byName.get(nameKeyOf(org, space, app));
    return group === undefined ? EMPTY : groupView(group);
  }

  findByAppGuid(appGuid: string): readonly RouteEntry[] {
    const group = this.state.byGuid.get(appGuid);
    return group === undefined ? EMPTY : groupView(group);
  }

  findByRoute(route: string): readonly RouteEntry[] {
    const wanted = lookupRouteKey(route);
    if (wanted === '') return EMPTY;
    for (const candidate of routeKeyCandidates(wanted)) {
      const pool = this.state.pools.get(candidate.key);
      if (pool === undefined) continue;
      const view = poolView(pool);
      if (view.length === 0) continue;
      if (!candidate.wildcard) return view;
      // A wildcard route's key carries `*`: the instance is asked for the host the caller named.
      const host = hostOfRouteKey(wanted);
      return Object.freeze(view.map((e) => Object.freeze({ ...e, host })));
    }
    return EMPTY;
  }

  /** Every (route key, endpoint) entry, as a snapshot, keys in insertion order. */
  entries(): readonly RouteEntry[] {
    const out: RouteEntry[] = [];
    for (const pool of this.state.pools.values())
      for (const slot of pool.slots.values()) out.push(slot.entry);
    return out;
  }

  /** The clock time (ms) an endpoint was last registered under `uri`, for diagnostics and tests. */
  lastSeen(uri: string, address: string): number | undefined {
    const slot = this.state.pools.get(routeKey(uri))?.slots.get(address);
    return slot === undefined ? undefined : Math.max(slot.lastSeenMs, this.state.freshSinceMs);
  }

  private remove(key: string, pool: Pool, slot: Slot): void {
    const s = this.state;
    pool.slots.delete(slot.entry.endpoint.address);
    pool.view = undefined;
    if (pool.slots.size === 0) s.pools.delete(key);
    s.size--;
    this.unindex(slot);
  }

  private index(slot: Slot): void {
    const endpoint = slot.entry.endpoint;
    const tags = endpoint.tags;
    if (!isWeb(endpoint)) return;
    const guid = tags['app_id'];
    if (guid !== undefined && guid !== '') {
      slot.guidKey = guid;
      addToGroup(this.state.byGuid, guid, slot);
    }
    const org = tags['organization_name'];
    const space = tags['space_name'];
    const app = tags['app_name'];
    if (
      org !== undefined &&
      space !== undefined &&
      app !== undefined &&
      org !== '' &&
      space !== '' &&
      app !== ''
    ) {
      slot.nameKey = addToGroup(this.state.byName, nameKeyOf(org, space, app), slot);
    }
  }

  private unindex(slot: Slot): void {
    const key = slot.entry.routeKey;
    const address = slot.entry.endpoint.address;
    if (slot.guidKey !== undefined) removeFromGroup(this.state.byGuid, slot.guidKey, key, address);
    if (slot.nameKey !== undefined) removeFromGroup(this.state.byName, slot.nameKey, key, address);
    slot.guidKey = undefined;
    slot.nameKey = undefined;
  }
}

function nameKeyOf(org: string, space: string, app: string): string {
  return `${org}\u0000${space}\u0000${app}`;
}

function isWeb(endpoint: Endpoint): boolean {
  const type = endpoint.tags['process_type'];
  return type === undefined || type === '' || type === 'web';
}

function makeEntry(key: string, endpoint: Endpoint): RouteEntry {
  // An endpoint already frozen with its tags (route sources' decoders make them so) cannot change under the
  // table: keep it rather than copy it (a 100,000-endpoint poll → 200,000 fewer long-lived objects).
  const frozen: Endpoint =
    Object.isFrozen(endpoint) && Object.isFrozen(endpoint.tags)
      ? endpoint
      : Object.freeze({ ...endpoint, tags: Object.freeze({ ...endpoint.tags }) });
  return Object.freeze({ routeKey: key, host: hostOfRouteKey(key), endpoint: frozen });
}

/** Returns the group's key string (shared by its slots rather than one copy per slot). */
function addToGroup(groups: Map<string, AppGroup>, groupKey: string, slot: Slot): string {
  let group = groups.get(groupKey);
  if (group === undefined) {
    group = { key: groupKey, byAddress: new Map(), view: undefined };
    groups.set(groupKey, group);
  }
  const address = slot.entry.endpoint.address;
  const slots = group.byAddress.get(address);
  if (slots === undefined) group.byAddress.set(address, [slot]);
  else slots.push(slot);
  group.view = undefined;
  return group.key;
}

function removeFromGroup(
  groups: Map<string, AppGroup>,
  groupKey: string,
  key: string,
  address: string,
): void {
  const group = groups.get(groupKey);
  const slots = group?.byAddress.get(address);
  if (group === undefined || slots === undefined) return;
  const at = slots.findIndex((slot) => slot.entry.routeKey === key);
  if (at >= 0) slots.splice(at, 1);
  if (slots.length === 0) group.byAddress.delete(address);
  if (group.byAddress.size === 0) groups.delete(groupKey);
  else group.view = undefined;
}

/** One entry per address: the one under the smallest route key (a host-only key before its paths). */
function groupView(group: AppGroup): readonly RouteEntry[] {
  if (group.view !== undefined) return group.view;
  const out: RouteEntry[] = [];
  for (const slots of group.byAddress.values()) {
    let best = slots[0]!;
    for (const slot of slots) if (slot.entry.routeKey < best.entry.routeKey) best = slot;
    out.push(best.entry);
  }
  group.view = Object.freeze(out.sort(compareEntries));
  return group.view;
}

function poolView(pool: Pool): readonly RouteEntry[] {
  if (pool.view !== undefined) return pool.view;
  const out: RouteEntry[] = [];
  for (const slot of pool.slots.values()) if (isWeb(slot.entry.endpoint)) out.push(slot.entry);
  pool.view = Object.freeze(out.sort(compareEntries));
  return pool.view;
}

function instanceOrder(entry: RouteEntry): number {
  const id = entry.endpoint.tags['instance_id'];
  return id !== undefined && /^\d{1,15}$/.test(id) ? Number(id) : Number.POSITIVE_INFINITY;
}

/** By `tags.instance_id` numerically (missing last), then by address. */
export function compareEntries(a: RouteEntry, b: RouteEntry): number {
  const ia = instanceOrder(a);
  const ib = instanceOrder(b);
  if (ia !== ib) return ia < ib ? -1 : 1;
  const aa = a.endpoint.address;
  const ab = b.endpoint.address;
  return aa < ab ? -1 : aa > ab ? 1 : 0;
}

/** Every field of `Endpoint` (extend this when the interface grows) and the tags. */
function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return (
    a.address === b.address &&
    a.tls === b.tls &&
    a.ttlSeconds === b.ttlSeconds &&
    a.privateInstanceId === b.privateInstanceId &&
    a.serverCertDomainSan === b.serverCertDomainSan &&
    a.protocol === b.protocol &&
    a.routeServiceUrl === b.routeServiceUrl &&
    a.availabilityZone === b.availabilityZone &&
    a.isolationSegment === b.isolationSegment &&
    sameTags(a.tags, b.tags)
  );
}

function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  let nb = 0;
  for (const _ in b) nb++;
  if (keys.length !== nb) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}
