/**
 * Test data builders ([hex] Codely mothers): sensible defaults, override what the test is about.
 */
import type { Endpoint, RouteEntry } from '../routes/endpoint.js';
import { hostOfRouteKey, routeKey } from '../routes/route-key.js';

export interface AppTagsInput {
  readonly org?: string;
  readonly space?: string;
  readonly app?: string;
  /** The instance index (`instance_id`). */
  readonly index?: number | string;
  readonly appId?: string;
  readonly orgId?: string;
  readonly spaceId?: string;
  readonly processType?: string;
}

/** A stable GUID-shaped id derived from a name, so that the same app always gets the same GUID. */
export function guidFor(name: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < name.length; i++) {
    h1 = Math.imul(h1 ^ name.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 + name.charCodeAt(i), 2246822519) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Cloud Controller metric tags of one web instance (spec §2.2). */
export function appTags(input: AppTagsInput = {}): Readonly<Record<string, string>> {
  const org = input.org ?? 'acme';
  const space = input.space ?? 'prod';
  const app = input.app ?? 'shop';
  const appId = input.appId ?? guidFor(`app:${org}/${space}/${app}`);
  const index = String(input.index ?? 0);
  return {
    component: 'route-emitter',
    source_id: appId,
    process_id: appId,
    process_type: input.processType ?? 'web',
    process_instance_id: guidFor(`instance:${appId}/${index}`),
    instance_id: index,
    organization_id: input.orgId ?? guidFor(`org:${org}`),
    organization_name: org,
    space_id: input.spaceId ?? guidFor(`space:${org}/${space}`),
    space_name: space,
    app_id: appId,
    app_name: app,
  };
}

export function anEndpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    address: '127.0.0.1:61000',
    tls: false,
    ttlSeconds: 120,
    tags: appTags(),
    ...overrides,
  };
}

/** An entry as a lookup returns it; `routeKey` is normalised and `host` derived unless overridden. */
export function aRouteEntry(
  overrides: { readonly uri?: string; readonly host?: string; readonly endpoint?: Endpoint } = {},
): RouteEntry {
  const key = routeKey(overrides.uri ?? 'shop.apps.example.com');
  return {
    routeKey: key,
    host: overrides.host ?? hostOfRouteKey(key),
    endpoint: overrides.endpoint ?? anEndpoint(),
  };
}
