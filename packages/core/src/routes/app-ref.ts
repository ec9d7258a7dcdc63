/**
 * The app a metrics request names: `{id}` in `/v1/apps/{id}/metrics`, or the `app` / `route_url` query.
 *
 * Rules (spec §3.4, with §5 item 5 fixed):
 * - The identifier is taken as the router decoded it: it is never URL-decoded a second time.
 * - Exactly 3 non-empty `/`-separated segments → org/space/app names; when no app has those names, the same
 *   text is looked up as a route (so the route `host/a/b` is reachable).
 * - A strict 36-character UUID (hex, any case) → app GUID (compared lowercased, as Cloud Controller writes it).
 * - Anything else → a route (`host[/path]`, an optional `scheme://` prefix is ignored).
 * - Refused: empty, longer than 1024 characters, control characters, `..` segments.
 */
import { BadRequestError } from '../errors.js';
import type { RouteLookup } from '../ports/route-registry.js';
import { err, ok, type Result } from '../result.js';
import type { RouteEntry } from './endpoint.js';

export type AppRef =
  | { readonly kind: 'name'; readonly org: string; readonly space: string; readonly app: string }
  | { readonly kind: 'guid'; readonly guid: string }
  | { readonly kind: 'route'; readonly route: string };

export const MAX_APP_REF_LENGTH = 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONTROL = /[\u0000-\u001f\u007f]/;

function check(parameter: string, id: string): BadRequestError | undefined {
  if (id === '') return new BadRequestError(parameter, `${parameter} must not be empty`);
  if (id.length > MAX_APP_REF_LENGTH) {
    return new BadRequestError(parameter, `${parameter} is longer than ${MAX_APP_REF_LENGTH} characters`);
  }
  if (CONTROL.test(id)) return new BadRequestError(parameter, `${parameter} contains a control character`);
  if (id.split('/').includes('..'))
    return new BadRequestError(parameter, `${parameter} contains a ".." segment`);
  return undefined;
}

/** Reads an app identifier (already decoded once by the router). */
export function parseAppRef(id: string, parameter = 'app'): Result<AppRef, BadRequestError> {
  const problem = check(parameter, id);
  if (problem !== undefined) return err(problem);
  const parts = id.split('/');
  if (parts.length === 3 && parts.every((p) => p !== '')) {
    return ok({ kind: 'name', org: parts[0]!, space: parts[1]!, app: parts[2]! });
  }
  if (UUID.test(id)) return ok({ kind: 'guid', guid: id.toLowerCase() });
  return ok({ kind: 'route', route: id });
}

/**
 * The app of `/apps/metrics?app=…|route_url=…`: `app` when non-empty (read like a path identifier), else
 * `route_url` (always a route).
 */
export function parseAppQuery(query: {
  readonly app?: string | undefined;
  readonly routeUrl?: string | undefined;
}): Result<AppRef, BadRequestError> {
  const app = query.app ?? '';
  if (app !== '') return parseAppRef(app, 'app');
  const route = query.routeUrl ?? '';
  if (route === '') return err(new BadRequestError('app', 'You must set app id or path'));
  const problem = check('route_url', route);
  return problem === undefined ? ok({ kind: 'route', route }) : err(problem);
}

/** The instances an app reference designates (empty when none). */
export function resolveApp(lookup: RouteLookup, ref: AppRef): readonly RouteEntry[] {
  switch (ref.kind) {
    case 'guid':
      return lookup.findByAppGuid(ref.guid);
    case 'route':
      return lookup.findByRoute(ref.route);
    case 'name': {
      const byName = lookup.findByName(ref.org, ref.space, ref.app);
      return byName.length > 0 ? byName : lookup.findByRoute(`${ref.org}/${ref.space}/${ref.app}`);
    }
  }
}

/** The reference as the caller wrote it, for messages. */
export function describeAppRef(ref: AppRef): string {
  switch (ref.kind) {
    case 'guid':
      return ref.guid;
    case 'route':
      return ref.route;
    case 'name':
      return `${ref.org}/${ref.space}/${ref.app}`;
  }
}
