import { PromfetcherError } from '@promfetcher/core';
import type { Endpoint } from '@promfetcher/core';
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

  it('reads UTF-8 bytes split anywhere (inside characters, escapes, tokens) like the whole text', () => {
    const body = JSON.stringify({
      'café.example.com': [
        { address: '10.0.0.1:1', tags: { app_name: 'ünïcødé 😀', space_name: 'a\\"b}', org: 'x' }, ttl: 5 },
        '10.0.0.2:2',
        { address: '10.0.0.3:3', tls: true, nested: { a: ['}', 1.5] }, protocol: 'http2' },
      ],
    });
    const whole = parseRoutesBody(body, options);
    const bytes = Buffer.from(body, 'utf8');
    const parser = new RoutesBodyParser(options);
    for (let i = 0; i < bytes.length; i++) parser.writeBytes(bytes.subarray(i, i + 1));
    expect(parser.end()).toEqual(whole);
    expect(whole.map((entry) => entry.uri)).toEqual([
      'café.example.com',
      'café.example.com',
      'café.example.com',
    ]);
    expect(whole[0]?.endpoint).toEqual({
      address: '10.0.0.1:1',
      tls: false,
      ttlSeconds: 5,
      tags: { app_name: 'ünïcødé 😀', space_name: 'a\\"b}', org: 'x' },
    });
    expect(whole[2]?.endpoint).toEqual({
      address: '10.0.0.3:3',
      tls: true,
      ttlSeconds: 120,
      tags: {},
      protocol: 'http2',
    });
  });

  it('reads every item as JSON.parse would (numbers, null, repeated keys, odd tag names)', () => {
    const body =
      '{"a":[{"address":"x:1","ttl":1.5e2,"tls":null,"tags":null,"protocol":"http3"},' +
      '{"address":"y:1","address":"y:2","ttl":-3,"tags":{"__proto__":"p","1":"one"},"availability_zone":""},' +
      '{ "address" : "z:1" , "ttl" : 0 , "tags" : { } , "extra" : [ ] , "private_instance_id" : null }]}';
    const [first, second, third] = parseRoutesBody(body, options).map((entry) => entry.endpoint);
    expect(first).toEqual({ address: 'x:1', tls: false, ttlSeconds: 150, tags: {} });
    expect(second?.address).toBe('y:2');
    expect(second?.ttlSeconds).toBe(120);
    expect(Object.getOwnPropertyNames(second?.tags)).toEqual(['1', '__proto__']);
    expect(Object.getPrototypeOf(second?.tags)).toBe(Object.prototype);
    expect(second).not.toHaveProperty('availabilityZone');
    expect(third).toEqual({ address: 'z:1', tls: false, ttlSeconds: 120, tags: {} });
    expect(Object.keys(third ?? {})).toEqual(['address', 'tls', 'ttlSeconds', 'tags']);
    for (const endpoint of [first, second, third]) {
      expect(Object.isFrozen(endpoint)).toBe(true);
      expect(Object.isFrozen(endpoint?.tags)).toBe(true);
      expect(Object.getPrototypeOf(endpoint)).toBe(Object.prototype);
    }
  });

  it('gives an endpoint unchanged since the previous body as that same object, a changed one anew', () => {
    const first = new RoutesBodyParser(options);
    first.write(CURRENT_SHAPE);
    const before = first.end();
    const changed = CURRENT_SHAPE.replace('"instance_id":"0"', '"instance_id":"9"');
    const entries: Array<{ uri: string; endpoint: Endpoint }> = [];
    const second = new RoutesBodyParser({
      ...options,
      previous: first.endpointsByAddress(),
      onEntry: (uri, endpoint) => entries.push({ uri, endpoint }),
    });
    second.write(changed);
    expect(second.end()).toEqual([]);
    expect(entries).toEqual(parseRoutesBody(changed, options));
    expect(entries[0]?.endpoint).not.toBe(before[0]?.endpoint);
    expect(entries[0]?.endpoint.tags['instance_id']).toBe('9');
    expect(entries[1]?.endpoint).toBe(before[1]?.endpoint);
    expect(entries[2]?.endpoint).toBe(before[2]?.endpoint);
    expect(second.endpointsByAddress().get('10.0.16.21:61012')).toBe(entries[0]?.endpoint);

    const old = '{"a.example.com":["10.0.0.1:8080"]}';
    const third = new RoutesBodyParser(options);
    third.write(old);
    const fourth = new RoutesBodyParser({ ...options, previous: third.endpointsByAddress() });
    fourth.write(old);
    expect(fourth.end()[0]?.endpoint).toBe(third.end()[0]?.endpoint);
  });

  it('decodes plain items from the bytes exactly as JSON.parse decodes them (seeded random bodies)', () => {
    const odd = [
      '',
      'x',
      'ünï€😀',
      'a\\b',
      'q"uo"te',
      '}{][',
      'http1',
      'http2',
      'web',
      '__proto__',
      '01',
      '-2',
    ];
    let seed = 42;
    const pick = <T>(list: readonly T[]): T => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return list[seed % list.length] as T;
    };
    for (let round = 0; round < 60; round++) {
      const routes: Record<string, unknown[]> = {};
      for (let k = 0; k < 4; k++) {
        routes[`ak${k}${pick(odd)}`] = [0, 1, 2].map((e) =>
          pick([true, false, false])
            ? `a10.0.${k}.${e}:${pick(odd)}`
            : {
                address: `a10.0.${k}.${e}:1${pick(odd)}`,
                tls: pick([true, false, null]),
                ttl: pick([0, 7, -1, 1.5, 120, null, '5']),
                tags: pick([null, {}, { app_id: pick(odd), [pick(odd)]: pick(odd), n: pick(odd) }]),
                protocol: pick(odd),
                availability_zone: pick(odd),
                extra: pick([1, 'x', null, { z: [pick(odd)] }]),
              },
        );
      }
      const body = JSON.stringify(routes, null, pick([undefined, 1]));
      // Every "a" (not that of `false`) escaped: each key and item then has an escape, so it goes through
      // JSON.parse and toEndpoint, none through the byte path.
      const escaped = body.replace(/(?<!f)a/g, '\\u0061');
      let plain: unknown;
      let slow: unknown;
      try {
        plain = parseRoutesBody(body, options);
      } catch (error) {
        plain = (error as Error).message;
      }
      try {
        slow = parseRoutesBody(escaped, options);
      } catch (error) {
        slow = (error as Error).message.replace(/ \(at character \d+\)$/, '');
        plain = typeof plain === 'string' ? plain.replace(/ \(at character \d+\)$/, '') : plain;
      }
      expect(plain).toEqual(slow);
      if (typeof plain === 'string') continue;
      const parser = new RoutesBodyParser(options);
      const bytes = Buffer.from(body);
      for (let at = 0; at < bytes.length; at += 7) parser.writeBytes(bytes.subarray(at, at + 7));
      expect(parser.end()).toEqual(plain);
    }
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
