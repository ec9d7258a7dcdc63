/**
 * Discovery over the route table (issue 7 item 1): the apps and their instances, for Prometheus'
 * `http_sd_configs`. Pure functions over `RouteLookup.entries()`; the adapter turns the result into the
 * http_sd JSON.
 *
 * Rules:
 * - Only `process_type == web` endpoints with an `app_id` tag count (what `findByName` / `findByAppGuid`
 *   serve); an endpoint registered under several routes is counted once per (app, address).
 * - Filters: `org`, `space`, `app` compare names exactly; `org_regex`, `space_regex`, `app_regex` are anchored
 *   (`^(?:…)$`) JavaScript regexes, at most MAX_DISCOVERY_REGEX_LENGTH characters (JavaScript regexes have no
 *   timeout: the length bound keeps a hostile pattern's cost bounded by a small input, app names being short).
 * - Order is deterministic: apps by org, space, app name, then GUID; instances by numeric index, then address.
 */
import { BadRequestError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import type { RouteEntry } from '../routes/endpoint.js';

export const MAX_DISCOVERY_REGEX_LENGTH = 256;

export interface DiscoveryFilter {
  readonly org?: string;
  readonly space?: string;
  readonly app?: string;
  readonly orgRegex?: RegExp;
  readonly spaceRegex?: RegExp;
  readonly appRegex?: RegExp;
}

export interface DiscoveryQuery {
  readonly org?: string | undefined;
  readonly space?: string | undefined;
  readonly app?: string | undefined;
  readonly org_regex?: string | undefined;
  readonly space_regex?: string | undefined;
  readonly app_regex?: string | undefined;
}

export interface DiscoveredInstance {
  /** The instance index (`tags.instance_id`), '' when unknown. */
  readonly index: string;
  readonly address: string;
}

export interface DiscoveredApp {
  readonly organizationId: string;
  readonly spaceId: string;
  readonly appId: string;
  readonly organizationName: string;
  readonly spaceName: string;
  readonly appName: string;
  readonly instances: readonly DiscoveredInstance[];
}

function compileAnchored(parameter: string, source: string): Result<RegExp, BadRequestError> {
  if (source.length > MAX_DISCOVERY_REGEX_LENGTH) {
    return err(
      new BadRequestError(parameter, `${parameter} is longer than ${MAX_DISCOVERY_REGEX_LENGTH} characters`),
    );
  }
  try {
    new RegExp(source); // on its own first: `a)|(b` must not close the anchoring group
    return ok(new RegExp(`^(?:${source})$`));
  } catch {
    return err(new BadRequestError(parameter, `${parameter} is not a valid regular expression`));
  }
}

/** Reads the discovery query parameters; an invalid or too long regex is a BadRequestError. */
export function parseDiscoveryFilter(query: DiscoveryQuery): Result<DiscoveryFilter, BadRequestError> {
  const filter: {
    org?: string;
    space?: string;
    app?: string;
    orgRegex?: RegExp;
    spaceRegex?: RegExp;
    appRegex?: RegExp;
  } = {};
  if (query.org !== undefined) filter.org = query.org;
  if (query.space !== undefined) filter.space = query.space;
  if (query.app !== undefined) filter.app = query.app;
  const regexes = [
    ['org_regex', query.org_regex, 'orgRegex'],
    ['space_regex', query.space_regex, 'spaceRegex'],
    ['app_regex', query.app_regex, 'appRegex'],
  ] as const;
  for (const [parameter, source, key] of regexes) {
    if (source === undefined) continue;
    const compiled = compileAnchored(parameter, source);
    if (!compiled.ok) return compiled;
    filter[key] = compiled.value;
  }
  return ok(filter);
}

function matches(value: string, exact: string | undefined, regex: RegExp | undefined): boolean {
  if (exact !== undefined && value !== exact) return false;
  return regex === undefined || regex.test(value);
}

interface Building {
  readonly app: Omit<DiscoveredApp, 'instances'>;
  readonly instances: Map<string, DiscoveredInstance>;
}

function compareIndex(a: DiscoveredInstance, b: DiscoveredInstance): number {
  const na = a.index === '' ? Number.POSITIVE_INFINITY : Number(a.index);
  const nb = b.index === '' ? Number.POSITIVE_INFINITY : Number(b.index);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  if (a.index !== b.index) return a.index < b.index ? -1 : 1;
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The web apps of the route table that pass the filter, each with its instances, in a stable order. */
export function discoverApps(entries: Iterable<RouteEntry>, filter: DiscoveryFilter = {}): DiscoveredApp[] {
  const apps = new Map<string, Building>();
  const rejected = new Set<string>();
  for (const entry of entries) {
    const t = entry.endpoint.tags;
    const appId = t['app_id'] ?? '';
    if (appId === '' || (t['process_type'] ?? 'web') !== 'web' || rejected.has(appId)) continue;
    let building = apps.get(appId);
    if (building === undefined) {
      const app = {
        organizationId: t['organization_id'] ?? '',
        spaceId: t['space_id'] ?? '',
        appId,
        organizationName: t['organization_name'] ?? '',
        spaceName: t['space_name'] ?? '',
        appName: t['app_name'] ?? '',
      };
      if (
        !matches(app.organizationName, filter.org, filter.orgRegex) ||
        !matches(app.spaceName, filter.space, filter.spaceRegex) ||
        !matches(app.appName, filter.app, filter.appRegex)
      ) {
        rejected.add(appId);
        continue;
      }
      building = { app, instances: new Map() };
      apps.set(appId, building);
    }
    const address = entry.endpoint.address;
    if (!building.instances.has(address)) {
      building.instances.set(address, { index: t['instance_id'] ?? '', address });
    }
  }
  const out: DiscoveredApp[] = [...apps.values()].map((b) => ({
    ...b.app,
    instances: [...b.instances.values()].sort(compareIndex),
  }));
  return out.sort(
    (a, b) =>
      compareText(a.organizationName, b.organizationName) ||
      compareText(a.spaceName, b.spaceName) ||
      compareText(a.appName, b.appName) ||
      compareText(a.appId, b.appId),
  );
}
