/**
 * One backend of a route, as gorouter's registry knows it (spec §1.2, §2.2). Plain readonly data.
 */
export interface Endpoint {
  /** `ip:port` that is scraped: `host:tls_port` when the endpoint registered a TLS port. */
  readonly address: string;
  /** True when registered with `tls_port`: scraped over https, verified against `serverCertDomainSan`. */
  readonly tls: boolean;
  /** Effective stale threshold in seconds (register `stale_threshold_in_seconds` clamped to the default). */
  readonly ttlSeconds: number;
  /** Cloud Controller metric tags (app_id, app_name, organization_*, space_*, instance_id, process_type, …). */
  readonly tags: Readonly<Record<string, string>>;
  readonly privateInstanceId?: string;
  readonly serverCertDomainSan?: string;
  readonly protocol?: 'http1' | 'http2';
  readonly routeServiceUrl?: string;
  readonly availabilityZone?: string;
  readonly isolationSegment?: string;
}

/** What a lookup returns: an endpoint under one route key. */
export interface RouteEntry {
  /** gorouter route key: lowercased URI, one trailing `/` and any `?query` removed, path kept. */
  readonly routeKey: string;
  /** The route's hostname (the key up to its first `/`): sent as `Host` to the instance. */
  readonly host: string;
  readonly endpoint: Endpoint;
}
