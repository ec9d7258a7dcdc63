/**
 * The `/routes` body: the original's shape (spec §3.10) — route key → array of
 * `{private_instance_id, tags, server_cert_domain_san, address, tls, ttl, host}` — built with
 * JSON.stringify, so keys and values are escaped (the original concatenated strings).
 */
import type { RouteLookup } from '@promfetcher/core';

export interface RouteDumpEntry {
  readonly private_instance_id: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly server_cert_domain_san: string;
  readonly address: string;
  readonly tls: boolean;
  readonly ttl: number;
  readonly host: string;
}

export function routesDump(routes: RouteLookup): Record<string, RouteDumpEntry[]> {
  const out: Record<string, RouteDumpEntry[]> = Object.create(null) as Record<string, RouteDumpEntry[]>;
  for (const entry of routes.entries()) {
    const e = entry.endpoint;
    (out[entry.routeKey] ??= []).push({
      private_instance_id: e.privateInstanceId ?? '',
      tags: e.tags,
      server_cert_domain_san: e.serverCertDomainSan ?? '',
      address: e.address,
      tls: e.tls,
      ttl: e.ttlSeconds,
      host: entry.host,
    });
  }
  return out;
}
