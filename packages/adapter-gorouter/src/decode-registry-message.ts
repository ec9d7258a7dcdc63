import type { Endpoint } from '@promfetcher/core';
import type { MessageRejectReason } from './route-source-telemetry.js';

/** A `router.register` / `router.unregister` message that passed validation (spec §2.2). */
export interface RegistryMessage {
  readonly uris: readonly string[];
  /** `tags.app_id`; undefined for system components (route_registrar), which promfetcher ignores. */
  readonly appId?: string;
  readonly endpoint: Endpoint;
}

export type DecodeResult =
  | { readonly ok: true; readonly message: RegistryMessage }
  | { readonly ok: false; readonly reason: MessageRejectReason; readonly detail: string };

type JsonType = 'string' | 'integer' | 'number' | 'object' | 'string[]';

/** The known fields and their JSON types. Unknown fields are ignored; `null` counts as absent (as in Go). */
const FIELD_TYPES: Readonly<Record<string, JsonType>> = {
  host: 'string',
  port: 'integer',
  tls_port: 'integer',
  uris: 'string[]',
  protocol: 'string',
  app: 'string',
  private_instance_id: 'string',
  private_instance_index: 'string',
  server_cert_domain_san: 'string',
  isolation_segment: 'string',
  stale_threshold_in_seconds: 'integer',
  route_service_url: 'string',
  availability_zone: 'string',
  endpoint_updated_at_ns: 'number',
  tags: 'object',
  options: 'object',
};

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}

const reject = (reason: MessageRejectReason, detail: string): DecodeResult => ({ ok: false, reason, detail });

/**
 * Decodes a registry message as strictly as gorouter's Go decoder (a wrong JSON type rejects the whole
 * message), builds the endpoint (`tls_port` wins over `port`; TTL = `stale_threshold_in_seconds` clamped to
 * `maxTtlSeconds`) and rejects a non-https `route_service_url`. Never throws.
 */
export function decodeRegistryMessage(data: Uint8Array | string, maxTtlSeconds: number): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      typeof data === 'string'
        ? data
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'),
    );
  } catch {
    return reject('invalid-json', 'not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject('wrong-type', 'the message is not a JSON object');
  }
  const raw = parsed as Record<string, unknown>;
  for (const [name, type] of Object.entries(FIELD_TYPES)) {
    const value = raw[name];
    if (value !== undefined && value !== null && !hasType(value, type)) {
      return reject(
        'wrong-type',
        `field "${name}" must be ${type === 'string[]' ? 'an array of strings' : `a ${type}`}`,
      );
    }
  }
  // The parsed tags object is ours alone: validate it in place and keep it (frozen), no copy.
  const rawTags = (raw['tags'] ?? {}) as Record<string, unknown>;
  for (const name in rawTags) {
    if (typeof rawTags[name] !== 'string') return reject('wrong-type', `tag "${name}" must be a string`);
  }
  const tags = Object.freeze(rawTags as Record<string, string>);
  const options = raw['options'] as Record<string, unknown> | null | undefined;
  if (
    options?.['loadbalancing'] !== undefined &&
    options['loadbalancing'] !== null &&
    typeof options['loadbalancing'] !== 'string'
  ) {
    return reject('wrong-type', 'field "options.loadbalancing" must be a string');
  }

  const str = (name: string): string => (raw[name] as string | null | undefined) ?? '';
  const int = (name: string): number => (raw[name] as number | null | undefined) ?? 0;
  const host = str('host');
  if (host === '') return reject('missing-field', 'field "host" is missing');
  const port = int('port');
  const tlsPort = int('tls_port');
  for (const [name, value] of [
    ['port', port],
    ['tls_port', tlsPort],
  ] as const) {
    if (value < 0 || value > 65_535)
      return reject('wrong-type', `field "${name}" must be a port number, got ${value}`);
  }
  if (port === 0 && tlsPort === 0) return reject('missing-field', 'neither "port" nor "tls_port" is set');
  const routeServiceUrl = str('route_service_url');
  if (routeServiceUrl !== '' && !/^https:\/\//i.test(routeServiceUrl)) {
    return reject('route-service-url-not-https', 'route_service_url must be an https URL');
  }

  const staleThreshold = int('stale_threshold_in_seconds');
  const endpoint: { -readonly [K in keyof Endpoint]: Endpoint[K] } = {
    address: `${host}:${tlsPort !== 0 ? tlsPort : port}`,
    tls: tlsPort !== 0,
    ttlSeconds: staleThreshold > 0 && staleThreshold < maxTtlSeconds ? staleThreshold : maxTtlSeconds,
    tags,
    protocol: str('protocol') === 'http2' ? 'http2' : 'http1',
  };
  const optional = [
    ['private_instance_id', 'privateInstanceId'],
    ['server_cert_domain_san', 'serverCertDomainSan'],
    ['availability_zone', 'availabilityZone'],
    ['isolation_segment', 'isolationSegment'],
  ] as const;
  for (const [jsonName, name] of optional) {
    const value = str(jsonName);
    if (value !== '') endpoint[name] = value;
  }
  if (routeServiceUrl !== '') endpoint.routeServiceUrl = routeServiceUrl;
  const appId = tags['app_id'];
  return {
    ok: true,
    message: {
      uris: (raw['uris'] as string[] | null | undefined) ?? [],
      ...(appId !== undefined && appId !== '' ? { appId } : {}),
      endpoint: Object.freeze(endpoint),
    },
  };
}
