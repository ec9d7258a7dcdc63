import { BadRequestError } from '../errors.js';
import { anEndpoint, appTags } from '../testing/builders.js';
import { ManualClock } from '../testing/manual-clock.js';
import { describeAppRef, parseAppQuery, parseAppRef, resolveApp, type AppRef } from './app-ref.js';
import { RouteTable } from './route-table.js';

function parsed(id: string): AppRef {
  const r = parseAppRef(id);
  if (!r.ok) throw r.error;
  return r.value;
}

function refused(id: string): BadRequestError {
  const r = parseAppRef(id);
  if (r.ok) throw new Error(`expected ${JSON.stringify(id)} to be refused`);
  return r.error;
}

describe('parseAppRef', () => {
  it('reads three non-empty segments as names', () => {
    expect(parsed('acme/prod/shop')).toEqual({ kind: 'name', org: 'acme', space: 'prod', app: 'shop' });
    expect(parsed('shop.example.com/a/b')).toEqual({
      kind: 'name',
      org: 'shop.example.com',
      space: 'a',
      app: 'b',
    });
  });

  it('reads a strict 36-character UUID as a GUID, lowercased', () => {
    expect(parsed('0B6E3F8E-4C1A-4F5E-9D51-2F0C7A9B1E11')).toEqual({
      kind: 'guid',
      guid: '0b6e3f8e-4c1a-4f5e-9d51-2f0c7a9b1e11',
    });
  });

  it.each([
    '{0b6e3f8e-4c1a-4f5e-9d51-2f0c7a9b1e11}',
    'x0b6e3f8e-4c1a-4f5e-9d51-2f0c7a9b1e11x',
    '0b6e3f8e4c1a4f5e9d512f0c7a9b1e11',
    'urn:uuid:0b6e3f8e-4c1a-4f5e-9d51-2f0c7a9b1e11',
    '0b6e3f8e-4c1a-4f5e-9d51-2f0c7a9b1e1g',
    'shop.example.com',
    'shop.example.com/api',
    'acme//shop',
    'a/b/c/d',
  ])('reads %s as a route', (id) => {
    expect(parsed(id)).toEqual({ kind: 'route', route: id });
  });

  it('never decodes a second time', () => {
    expect(parsed('acme/prod/my%2Fapp')).toEqual({
      kind: 'name',
      org: 'acme',
      space: 'prod',
      app: 'my%2Fapp',
    });
  });

  it.each([
    ['', 'must not be empty'],
    ['a'.repeat(1025), 'longer than 1024'],
    ['shop\n.example.com', 'control character'],
    ['shop\u007f', 'control character'],
    ['shop.example.com/../admin', '".." segment'],
    ['../x/y', '".." segment'],
  ])('refuses %j', (id, message) => {
    const e = refused(id);
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e.code).toBe('PF_BAD_REQUEST');
    expect(e.message).toContain(message);
  });

  it('accepts 1024 characters and dots inside a segment', () => {
    expect(parsed('a'.repeat(1024)).kind).toBe('route');
    expect(parsed('shop.example.com/..x').kind).toBe('route');
  });
});

describe('parseAppQuery', () => {
  it('prefers app, then route_url', () => {
    expect(parseAppQuery({ app: 'acme/prod/shop', routeUrl: 'x.example.com' })).toEqual({
      ok: true,
      value: { kind: 'name', org: 'acme', space: 'prod', app: 'shop' },
    });
    expect(parseAppQuery({ app: '', routeUrl: 'a.example.com/x/y' })).toEqual({
      ok: true,
      value: { kind: 'route', route: 'a.example.com/x/y' },
    });
  });

  it('refuses neither set, and a bad route_url', () => {
    const none = parseAppQuery({});
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.error.message).toBe('You must set app id or path');
    const bad = parseAppQuery({ routeUrl: 'x/../y' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.parameter).toBe('route_url');
  });
});

describe('resolveApp', () => {
  const table = new RouteTable(new ManualClock());
  const shop = anEndpoint({ address: '10.0.0.1:1', tags: appTags({ app: 'shop' }) });
  const routed = anEndpoint({ address: '10.0.0.2:1', tags: appTags({ app: 'other' }) });
  table.register('shop.example.com', shop);
  table.register('host.example.com/a/b', routed);

  it('resolves names, GUIDs (any case) and routes', () => {
    expect(resolveApp(table, parsed('acme/prod/shop')).map((e) => e.endpoint.address)).toEqual([
      '10.0.0.1:1',
    ]);
    expect(
      resolveApp(table, parsed(shop.tags['app_id']!.toUpperCase())).map((e) => e.endpoint.address),
    ).toEqual(['10.0.0.1:1']);
    expect(resolveApp(table, parsed('https://shop.example.com/')).map((e) => e.endpoint.address)).toEqual([
      '10.0.0.1:1',
    ]);
  });

  it('falls back from names to the route host/a/b', () => {
    expect(resolveApp(table, parsed('host.example.com/a/b')).map((e) => e.endpoint.address)).toEqual([
      '10.0.0.2:1',
    ]);
    expect(resolveApp(table, parsed('acme/prod/nope'))).toEqual([]);
  });

  it('describes a reference as written', () => {
    expect(describeAppRef(parsed('acme/prod/shop'))).toBe('acme/prod/shop');
    expect(describeAppRef(parsed('shop.example.com'))).toBe('shop.example.com');
    expect(describeAppRef(parsed('0b6e3f8e-4c1a-4f5e-9d51-2f0c7a9b1e11'))).toBe(
      '0b6e3f8e-4c1a-4f5e-9d51-2f0c7a9b1e11',
    );
  });
});
