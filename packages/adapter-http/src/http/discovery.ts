/**
 * The http_sd answer of `/v1/discovery/apps` and `/v1/discovery/instances` (issue 7 item 1): a JSON array of
 * `{targets: ["host:port"], labels: {…}}`, as Prometheus' `http_sd_configs` reads it.
 * - The target is this server: the host of `base_url`, or the request's Host when `base_url` is empty;
 *   `__scheme__` is set when that is https, and a `base_url` path prefixes `__metrics_path__`.
 * - apps: one target per app, `__metrics_path__` = `/v1/apps/{org}/{space}/{app}/metrics` (each name
 *   URL-encoded; the app GUID instead when a name contains `/`, which the names route cannot carry); labels
 *   organization_id, space_id, app_id, organization_name, space_name, app_name.
 * - instances: one target per instance, `__metrics_path__` = `/v1/apps/{org}/{space}/{app}/instances/{index}/metrics`,
 *   the same labels plus `index`, `instance_id` and `instance` (the instance's address, so Prometheus' own
 *   `up{instance=…}` names the instance). Instances without an index cannot be addressed and are left out.
 */
import type { DiscoveredApp } from '@promfetcher/core';

export interface HttpSdGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface DiscoveryBase {
  /** `host[:port]` of this server as Prometheus must reach it. */
  readonly host: string;
  readonly scheme: 'http' | 'https';
  /** Path prefix ('' or `/prefix`, no trailing slash). */
  readonly pathPrefix: string;
}

/** The target base from `base_url`, or from the request when it is empty or unparsable. */
export function discoveryBase(baseUrl: string, requestHost: string, requestScheme: string): DiscoveryBase {
  if (baseUrl !== '') {
    try {
      const url = new URL(baseUrl);
      if (url.host !== '') {
        return {
          host: url.host,
          scheme: url.protocol === 'https:' ? 'https' : 'http',
          pathPrefix: url.pathname.replace(/\/+$/, ''),
        };
      }
    } catch {
      // fall through to the request's host
    }
  }
  return { host: requestHost, scheme: requestScheme === 'https' ? 'https' : 'http', pathPrefix: '' };
}

function appLabels(app: DiscoveredApp): Record<string, string> {
  return {
    organization_id: app.organizationId,
    space_id: app.spaceId,
    app_id: app.appId,
    organization_name: app.organizationName,
    space_name: app.spaceName,
    app_name: app.appName,
  };
}

function namesPath(app: DiscoveredApp): string {
  return [app.organizationName, app.spaceName, app.appName].map(encodeURIComponent).join('/');
}

function hasSlash(app: DiscoveredApp): boolean {
  return [app.organizationName, app.spaceName, app.appName].some((n) => n.includes('/') || n === '');
}

function meta(base: DiscoveryBase, path: string): Record<string, string> {
  return {
    __metrics_path__: `${base.pathPrefix}${path}`,
    ...(base.scheme === 'https' ? { __scheme__: 'https' } : {}),
  };
}

/** One group per app, pointing at its merged endpoint. */
export function appTargets(apps: readonly DiscoveredApp[], base: DiscoveryBase): HttpSdGroup[] {
  return apps.map((app) => ({
    targets: [base.host],
    labels: {
      ...meta(base, `/v1/apps/${hasSlash(app) ? app.appId : namesPath(app)}/metrics`),
      ...appLabels(app),
    },
  }));
}

/** One group per instance with an index, pointing at the per-instance route. */
export function instanceTargets(apps: readonly DiscoveredApp[], base: DiscoveryBase): HttpSdGroup[] {
  const out: HttpSdGroup[] = [];
  for (const app of apps) {
    if (hasSlash(app)) continue;
    const seen = new Set<string>();
    for (const instance of app.instances) {
      if (instance.index === '' || seen.has(instance.index)) continue;
      seen.add(instance.index);
      out.push({
        targets: [base.host],
        labels: {
          ...meta(base, `/v1/apps/${namesPath(app)}/instances/${encodeURIComponent(instance.index)}/metrics`),
          ...appLabels(app),
          index: instance.index,
          instance_id: instance.index,
          instance: instance.address,
        },
      });
    }
  }
  return out;
}
