/**
 * Which caller headers are passed on to the instances (the original passed only `Authorization`, although
 * its README said "all", spec §5 item 20). Decision:
 * - passed on: every end-to-end header (Authorization, X-Request-Id, User-Agent, custom headers, …);
 * - never: hop-by-hop headers (Connection, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade, and
 *   every header named in Connection); Host (the instance's route host is sent); Accept and Accept-Encoding
 *   (promfetcher negotiates with instances itself); Content-Length, Content-Type and Expect (a GET without a
 *   body); Range and the conditional `If-*` headers (the whole body is needed); Cookie (cookies of
 *   promfetcher's origin are not the app's: a browser on /doc would otherwise hand them to every app);
 *   X-Prometheus-Scrape-Timeout-Seconds (recomputed per instance from the deadline); X-Forwarded-Proto (set
 *   per instance); X-Promfetcher-Scrapping (set by the scraper).
 * - X-Forwarded-For: the caller's chain with the caller's address appended.
 */
const NEVER = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'accept',
  'accept-encoding',
  'content-length',
  'content-type',
  'expect',
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
  'cookie',
  'x-prometheus-scrape-timeout-seconds',
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-promfetcher-scrapping',
  'http2-settings',
]);

export function forwardHeaders(
  incoming: Readonly<Record<string, string | string[] | undefined>>,
  callerAddress: string | undefined,
): Record<string, string> {
  const named = new Set<string>();
  const connection = incoming['connection'];
  for (const value of Array.isArray(connection) ? connection : [connection ?? '']) {
    for (const token of value.split(',')) {
      const t = token.trim().toLowerCase();
      if (t !== '') named.add(t);
    }
  }
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(incoming)) {
    const name = rawName.toLowerCase();
    if (value === undefined || NEVER.has(name) || named.has(name) || name.startsWith('proxy-')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const chain = incoming['x-forwarded-for'];
  const previous = Array.isArray(chain) ? chain.join(', ') : chain;
  const caller = callerAddress?.replace(/^::ffff:/, '');
  const forwardedFor = [previous, caller].filter((p) => p !== undefined && p.trim() !== '').join(', ');
  if (forwardedFor !== '') out['x-forwarded-for'] = forwardedFor;
  return out;
}
