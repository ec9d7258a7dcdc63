import { anEndpoint, appTags, aRouteEntry } from '../testing/index.js';
import type { RouteEntry } from '../routes/endpoint.js';
import { discoverApps, MAX_DISCOVERY_REGEX_LENGTH, parseDiscoveryFilter } from './discover-targets.js';

function entry(
  app: { org?: string; space?: string; app?: string; index?: number; processType?: string },
  address: string,
  uri = 'x.example.com',
): RouteEntry {
  return aRouteEntry({ uri, endpoint: anEndpoint({ address, tags: appTags(app) }) });
}

const table: RouteEntry[] = [
  entry({ org: 'zeta', space: 'prod', app: 'api', index: 10 }, '10.0.0.9:1'),
  entry({ org: 'zeta', space: 'prod', app: 'api', index: 2 }, '10.0.0.8:1'),
  entry({ org: 'zeta', space: 'prod', app: 'api', index: 2 }, '10.0.0.8:1', 'alias.example.com'),
  entry({ org: 'acme', space: 'prod', app: 'shop', index: 0 }, '10.0.1.1:1'),
  entry({ org: 'acme', space: 'dev', app: 'shop', index: 0 }, '10.0.2.1:1'),
  entry({ org: 'acme', space: 'prod', app: 'worker', processType: 'worker' }, '10.0.3.1:1'),
];

function filter(query: Record<string, string>) {
  const parsed = parseDiscoveryFilter(query);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe('discoverApps', () => {
  it('groups web instances by app, once per address, in a stable order', () => {
    const apps = discoverApps(table);
    expect(apps.map((a) => `${a.organizationName}/${a.spaceName}/${a.appName}`)).toEqual([
      'acme/dev/shop',
      'acme/prod/shop',
      'zeta/prod/api',
    ]);
    expect(apps[2]!.instances).toEqual([
      { index: '2', address: '10.0.0.8:1' },
      { index: '10', address: '10.0.0.9:1' },
    ]);
    expect(apps[0]!.appId).toBe(appTags({ org: 'acme', space: 'dev', app: 'shop' }).app_id);
    expect(discoverApps([...table].reverse())).toEqual(apps);
  });

  it('filters by exact names and anchored regexes', () => {
    const names = (q: Record<string, string>): string[] =>
      discoverApps(table, filter(q)).map((a) => `${a.organizationName}/${a.spaceName}/${a.appName}`);
    expect(names({ org: 'acme' })).toEqual(['acme/dev/shop', 'acme/prod/shop']);
    expect(names({ space: 'prod', app: 'shop' })).toEqual(['acme/prod/shop']);
    expect(names({ org: 'acm' })).toEqual([]);
    expect(names({ org_regex: 'ac' })).toEqual([]);
    expect(names({ org_regex: 'ac.*', space_regex: 'd.v' })).toEqual(['acme/dev/shop']);
    expect(names({ app_regex: 'api|shop', org_regex: 'zeta' })).toEqual(['zeta/prod/api']);
  });
});

describe('parseDiscoveryFilter', () => {
  it('refuses an invalid regex and a too long one', () => {
    const bad = parseDiscoveryFilter({ app_regex: '(' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.parameter).toBe('app_regex');
    const long = parseDiscoveryFilter({ org_regex: 'a'.repeat(MAX_DISCOVERY_REGEX_LENGTH + 1) });
    expect(long.ok).toBe(false);
    expect(parseDiscoveryFilter({ org_regex: 'a'.repeat(MAX_DISCOVERY_REGEX_LENGTH) }).ok).toBe(true);
  });

  it('anchors so that an alternation cannot escape', () => {
    const f = filter({ app_regex: 'a|shop' });
    expect(f.appRegex!.test('shopping')).toBe(false);
    expect(f.appRegex!.test('a')).toBe(true);
    expect(parseDiscoveryFilter({ app_regex: 'x)|(.*' }).ok).toBe(false);
  });
});
