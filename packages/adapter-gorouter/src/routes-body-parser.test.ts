import { PromfetcherError } from '@promfetcher/core';
import { RoutesBodyParser, parseRoutesBody } from './routes-body-parser.js';

const options = { defaultTtlSeconds: 120 };

/** The composed example of spec §1.3, trimmed, plus unknown fields. */
const CURRENT_SHAPE = JSON.stringify({
  'shop.apps.example.com': [
    {
      address: '10.0.16.21:61012',
      availability_zone: 'z1',
      protocol: 'http1',
      tls: false,
      ttl: 120,
      tags: { app_id: 'app-1', app_name: 'shop', instance_id: '0', process_type: 'web' },
      private_instance_id: 'guid-0',
      server_cert_domain_san: 'guid-0',
      some_future_field: { nested: ['x', '}'] },
    },
    {
      address: '10.0.16.22:61001',
      availability_zone: 'z2',
      protocol: 'http2',
      tls: true,
      ttl: 60,
      tags: null,
      load_balancing_algorithm: 'least-connection',
    },
  ],
  'shop.apps.example.com/api': [
    { address: '10.0.17.5:61020', route_service_url: 'https://rs.example.com', isolation_segment: 'iso' },
  ],
  'empty.example.com': [],
});

describe('RoutesBodyParser', () => {
  it('reads the endpoint-object shape; every field but address optional, unknown fields ignored', () => {
    expect(parseRoutesBody(CURRENT_SHAPE + '\n', options)).toEqual([
      {
        uri: 'shop.apps.example.com',
        endpoint: {
          address: '10.0.16.21:61012',
          tls: false,
          ttlSeconds: 120,
          tags: { app_id: 'app-1', app_name: 'shop', instance_id: '0', process_type: 'web' },
          protocol: 'http1',
          privateInstanceId: 'guid-0',
          serverCertDomainSan: 'guid-0',
          availabilityZone: 'z1',
        },
      },
      {
        uri: 'shop.apps.example.com',
        endpoint: {
          address: '10.0.16.22:61001',
          tls: true,
          ttlSeconds: 60,
          tags: {},
          protocol: 'http2',
          availabilityZone: 'z2',
        },
      },
      {
        uri: 'shop.apps.example.com/api',
        endpoint: {
          address: '10.0.17.5:61020',
          tls: false,
          ttlSeconds: 120,
          tags: {},
          routeServiceUrl: 'https://rs.example.com',
          isolationSegment: 'iso',
        },
      },
    ]);
  });

  it('reads the old "ip:port" string shape (before 2015)', () => {
    const body = '{"a.example.com":["10.0.0.1:8080","10.0.0.2:8080"],"b.example.com":["10.0.0.3:1"]}';
    expect(parseRoutesBody(body, options)).toEqual([
      { uri: 'a.example.com', endpoint: { address: '10.0.0.1:8080', tls: false, ttlSeconds: 120, tags: {} } },
      { uri: 'a.example.com', endpoint: { address: '10.0.0.2:8080', tls: false, ttlSeconds: 120, tags: {} } },
      { uri: 'b.example.com', endpoint: { address: '10.0.0.3:1', tls: false, ttlSeconds: 120, tags: {} } },
    ]);
  });

  it('gives the same result whatever the chunking (one character at a time)', () => {
    const parser = new RoutesBodyParser(options);
    const body = CURRENT_SHAPE.replace('"shop', '"sh\\u006fp \\" quoted');
    for (const char of body) parser.write(char);
    const whole = parseRoutesBody(body, options);
    expect(parser.end()).toEqual(whole);
    expect(whole[0]?.uri).toBe('shop " quoted.apps.example.com');
  });

  it('reads an empty table', () => {
    expect(parseRoutesBody(' {}\n', options)).toEqual([]);
  });

  it.each([
    ['empty body', '', 'empty body'],
    ['truncated body', CURRENT_SHAPE.slice(0, 200), 'truncated'],
    ['truncated after the last item', '{"a":["1.2.3.4:5"]', 'truncated'],
    ['HTML error page', '<html>502</html>', 'expected a JSON object, found "<"'],
    ['top-level array', '["1.2.3.4:5"]', 'expected a JSON object'],
    ['value not an array', '{"a":{"address":"x"}}', 'expected an array of endpoints for "a"'],
    ['number item', '{"a":[42]}', 'expected an endpoint object or "ip:port" string in "a"'],
    ['missing address', '{"a":[{"ttl":1}]}', '"a"[0]: missing "address"'],
    [
      'wrong type',
      '{"a":[{"address":"x:1","tls":"yes"}]}',
      '"a"[0].tls: expected a boolean, got string "yes"',
    ],
    [
      'tag not a string',
      '{"a":[{"address":"x:1","tags":{"instance_id":1}}]}',
      '"a"[0].tags.instance_id: expected a string',
    ],
    ['invalid JSON inside an item', '{"a":[{"address":"x:1",}]}', 'invalid JSON in "a"'],
    ['trailing garbage', '{"a":[]} x', 'expected the end of the body'],
    ['missing comma', '{"a":[] "b":[]}', 'expected "," or "}"'],
  ])('fails on %s with a clear message', (_name, body, message) => {
    let caught: unknown;
    try {
      parseRoutesBody(body, options);
    } catch (error) {
      caught = error;
    }
    expect(PromfetcherError.hasCode(caught, 'PF_ROUTES')).toBe(true);
    expect((caught as Error).message).toContain(message);
    expect((caught as Error).message).toMatch(/^gorouter \/routes body: .* \(at character \d+\)$/);
  });
});
