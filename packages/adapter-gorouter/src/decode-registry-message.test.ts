import { decodeRegistryMessage } from './decode-registry-message.js';

/** The TLS instance of spec §2.2, trimmed. */
const message = {
  host: '10.0.16.22',
  port: 61014,
  tls_port: 61001,
  uris: ['shop.apps.example.com'],
  protocol: 'http1',
  app: 'app-1',
  private_instance_id: 'guid-1',
  private_instance_index: '1',
  server_cert_domain_san: 'guid-1',
  endpoint_updated_at_ns: 1718100000123456789,
  availability_zone: 'z1',
  tags: {
    component: 'route-emitter',
    app_id: 'app-1',
    app_name: 'shop',
    instance_id: '1',
    process_type: 'web',
  },
  options: { loadbalancing: 'round-robin' },
  some_future_field: [1, 2, 3],
};
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('decodeRegistryMessage', () => {
  it('builds the endpoint: tls_port wins over port; unknown fields ignored', () => {
    expect(decodeRegistryMessage(encode(message), 120)).toEqual({
      ok: true,
      message: {
        uris: ['shop.apps.example.com'],
        appId: 'app-1',
        endpoint: {
          address: '10.0.16.22:61001',
          tls: true,
          ttlSeconds: 120,
          tags: message.tags,
          protocol: 'http1',
          privateInstanceId: 'guid-1',
          serverCertDomainSan: 'guid-1',
          availabilityZone: 'z1',
        },
      },
    });
  });

  it('uses port without tls_port; clamps stale_threshold_in_seconds to the maximum', () => {
    const plain = { ...message, tls_port: 0, stale_threshold_in_seconds: 30, protocol: 'http2' };
    const decoded = decodeRegistryMessage(JSON.stringify(plain), 120);
    expect(decoded.ok && decoded.message.endpoint).toMatchObject({
      address: '10.0.16.22:61014',
      tls: false,
      ttlSeconds: 30,
      protocol: 'http2',
    });
    const longer = decodeRegistryMessage(JSON.stringify({ ...plain, stale_threshold_in_seconds: 600 }), 120);
    expect(longer.ok && longer.message.endpoint.ttlSeconds).toBe(120);
  });

  it('treats null as absent (as Go does) and keeps empty uris safe (spec §5.6)', () => {
    const decoded = decodeRegistryMessage(
      JSON.stringify({ host: 'h', port: 1, uris: [], tags: null, tls_port: null }),
      120,
    );
    expect(decoded).toEqual({
      ok: true,
      message: {
        uris: [],
        endpoint: { address: 'h:1', tls: false, ttlSeconds: 120, tags: {}, protocol: 'http1' },
      },
    });
  });

  it('has no appId for system components (no tags.app_id)', () => {
    const decoded = decodeRegistryMessage(JSON.stringify({ ...message, tags: { component: 'uaa' } }), 120);
    expect(decoded.ok && decoded.message.appId).toBeUndefined();
  });

  it('accepts an https route_service_url', () => {
    const decoded = decodeRegistryMessage(
      JSON.stringify({ ...message, route_service_url: 'https://rs.example.com/x' }),
      120,
    );
    expect(decoded.ok && decoded.message.endpoint.routeServiceUrl).toBe('https://rs.example.com/x');
  });

  it.each([
    ['not JSON', '{"host":', 'invalid-json'],
    ['empty body (a greet on router.*)', '', 'invalid-json'],
    ['JSON array', '[1]', 'wrong-type'],
    ['port as a string', { ...message, port: '61014' }, 'wrong-type'],
    ['fractional port', { ...message, port: 1.5 }, 'wrong-type'],
    ['port out of range', { ...message, tls_port: 70000 }, 'wrong-type'],
    ['uris not strings', { ...message, uris: [1] }, 'wrong-type'],
    ['uris a string', { ...message, uris: 'shop.apps.example.com' }, 'wrong-type'],
    ['tag value a number', { ...message, tags: { app_id: 'a', instance_id: 1 } }, 'wrong-type'],
    ['tags an array', { ...message, tags: ['a'] }, 'wrong-type'],
    ['options.loadbalancing a number', { ...message, options: { loadbalancing: 1 } }, 'wrong-type'],
    ['no host', { ...message, host: '' }, 'missing-field'],
    ['no port at all', { ...message, port: 0, tls_port: 0 }, 'missing-field'],
    [
      'http route service',
      { ...message, route_service_url: 'http://rs.example.com' },
      'route-service-url-not-https',
    ],
  ] as const)('rejects %s as %s', (_name, body, reason) => {
    const decoded = decodeRegistryMessage(typeof body === 'string' ? body : JSON.stringify(body), 120);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toBe(reason);
  });
});
