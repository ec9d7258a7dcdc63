/** A synthetic gorouter `/routes` body for the bench, shaped like spec §1.3 (full Cloud Controller tags). */

/** Instances per route (one app per route). */
export const PER_ROUTE = 4;

export const guid = (n: number, salt: number): string => {
  const hex = ((n * 2_654_435_761 + salt) >>> 0).toString(16).padStart(8, '0');
  return `${hex}-${hex.slice(0, 4)}-4${hex.slice(1, 4)}-8${hex.slice(5, 8)}-${hex}${hex.slice(0, 4)}`;
};

/** A body shaped like spec §1.3: one app per route, `PER_ROUTE` instances each, full Cloud Controller tags. */
export function buildBody(endpoints: number): string {
  const routes: Record<string, unknown[]> = {};
  for (let i = 0; i < endpoints; i++) {
    const app = Math.floor(i / PER_ROUTE);
    const index = i % PER_ROUTE;
    const appId = guid(app, 1);
    const instance = guid(i, 2);
    const key = `app-${app}.apps.example.com`;
    (routes[key] ??= []).push({
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${61_000 + index}`,
      availability_zone: `z${(i % 3) + 1}`,
      protocol: 'http1',
      tls: index % 2 === 1,
      ttl: 120,
      tags: {
        app_id: appId,
        app_name: `app-${app}`,
        component: 'route-emitter',
        instance_id: String(index),
        organization_id: guid(app % 50, 3),
        organization_name: `org-${app % 50}`,
        process_id: appId,
        process_instance_id: instance,
        process_type: 'web',
        source_id: appId,
        space_id: guid(app % 500, 4),
        space_name: `space-${app % 500}`,
      },
      private_instance_id: instance,
      server_cert_domain_san: instance,
    });
  }
  return `${JSON.stringify(routes)}\n`;
}
