import { hostOfRouteKey, lookupRouteKey, routeKey, routeKeyCandidates } from './route-key.js';

describe('routeKey', () => {
  it.each([
    ['Shop.Apps.Example.com', 'shop.apps.example.com'],
    ['shop.example.com/', 'shop.example.com'],
    ['shop.example.com//', 'shop.example.com/'],
    ['shop.example.com/API/v1/?x=1/', 'shop.example.com/api/v1'],
    ['shop.example.com?a=b?c', 'shop.example.com'],
    ['shop.example.com/a/b', 'shop.example.com/a/b'],
    ['*.apps.example.com', '*.apps.example.com'],
  ])('%s → %s', (uri, key) => {
    expect(routeKey(uri)).toBe(key);
  });

  it('keeps a scheme (gorouter never sees one); lookups strip it', () => {
    expect(routeKey('https://shop.example.com')).toBe('https://shop.example.com');
    expect(lookupRouteKey('HTTPS://Shop.example.com/api/')).toBe('shop.example.com/api');
    expect(lookupRouteKey('shop.example.com/http://x')).toBe('shop.example.com/http://x');
  });

  it('takes the host of a key', () => {
    expect(hostOfRouteKey('shop.example.com/a/b')).toBe('shop.example.com');
    expect(hostOfRouteKey('shop.example.com')).toBe('shop.example.com');
  });
});

describe('routeKeyCandidates', () => {
  it('tries the longest path prefix, then wildcard hosts', () => {
    expect([...routeKeyCandidates('a.b.c/x/y')]).toEqual([
      { key: 'a.b.c/x/y', wildcard: false },
      { key: 'a.b.c/x', wildcard: false },
      { key: 'a.b.c', wildcard: false },
      { key: '*.b.c/x/y', wildcard: true },
      { key: '*.b.c/x', wildcard: true },
      { key: '*.b.c', wildcard: true },
      { key: '*.c/x/y', wildcard: true },
      { key: '*.c/x', wildcard: true },
      { key: '*.c', wildcard: true },
    ]);
  });

  it('stops when the host has no dot left', () => {
    expect([...routeKeyCandidates('localhost')]).toEqual([{ key: 'localhost', wildcard: false }]);
    expect([...routeKeyCandidates('*.c')].map((c) => c.key)).toEqual(['*.c']);
  });
});
