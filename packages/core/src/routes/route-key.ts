/**
 * gorouter's route key (spec §1.2, §2.5 item 6): the registered URI lowercased, anything from the first `?`
 * dropped, one trailing `/` removed; the context path is kept (`host/seg1/seg2`).
 */
export function routeKey(uri: string): string {
  const q = uri.indexOf('?');
  let key = (q < 0 ? uri : uri.slice(0, q)).toLowerCase();
  if (key.endsWith('/')) key = key.slice(0, -1);
  return key;
}

const SCHEME_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The key to look a caller's route up with: like `routeKey`, after a `scheme://` prefix is stripped
 * (`https://shop.example.com/api/` → `shop.example.com/api`). Registrations never carry a scheme.
 */
export function lookupRouteKey(route: string): string {
  return routeKey(route.replace(SCHEME_PREFIX, ''));
}

/** The hostname part of a route key: up to its first `/`. */
export function hostOfRouteKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
}

/**
 * The keys a lookup tries, in gorouter's order: the longest path prefix first on the exact host, then the
 * same on each wildcard host (`a.b.c` → `*.b.c` → `*.c`). Prefixes stop at `/` boundaries only.
 */
export function* routeKeyCandidates(
  key: string,
): Generator<{ readonly key: string; readonly wildcard: boolean }> {
  const slash = key.indexOf('/');
  const host = slash < 0 ? key : key.slice(0, slash);
  const path = slash < 0 ? '' : key.slice(slash);
  let candidateHost: string | undefined = host;
  let wildcard = false;
  while (candidateHost !== undefined) {
    let p = path;
    for (;;) {
      yield { key: candidateHost + p, wildcard };
      if (p === '') break;
      p = p.slice(0, p.lastIndexOf('/'));
    }
    candidateHost = nextWildcard(candidateHost);
    wildcard = true;
  }
}

/** `a.b.c` → `*.b.c`, `*.b.c` → `*.c`, `*.c` / `c` → undefined. */
function nextWildcard(host: string): string | undefined {
  const start = host.startsWith('*.') ? 2 : 0;
  const dot = host.indexOf('.', start);
  return dot < 0 ? undefined : `*${host.slice(dot)}`;
}
