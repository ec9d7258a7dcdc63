/**
 * The headers promfetcher sends to a scrape target (spec §3.6, with its bugs fixed): the caller's forwarded
 * headers (already filtered by the adapter), never Authorization to an external exporter, then `Accept`
 * (OpenMetrics first, text 0.0.4 next: both are parsed) and `X-Forwarded-Proto` (the scheme used). The use
 * case adds `X-Prometheus-Scrape-Timeout-Seconds` per target (the time left, not a constant 30).
 */

/** What promfetcher asks instances for: OpenMetrics first, text 0.0.4 next (both are parsed). */
export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

const OWN_HEADERS = new Set(['accept', 'x-forwarded-proto', 'x-prometheus-scrape-timeout-seconds', 'host']);

/** The forwarded headers (minus those promfetcher sets, and Authorization for exporters) plus ours. */
export function headersFor(
  forward: Readonly<Record<string, string>>,
  scheme: 'http' | 'https',
  exporter: boolean,
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(forward)) {
    const lower = name.toLowerCase();
    if (OWN_HEADERS.has(lower) || (exporter && lower === 'authorization')) continue;
    out[name] = value;
  }
  out['Accept'] = SCRAPE_ACCEPT;
  out['X-Forwarded-Proto'] = scheme;
  return out;
}

/** `scheme://user:pass@host/…` → `scheme://host/…`; also strips `user@` from a bare host. */
export function stripUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@?#]*@/i, '$1');
}

/** A target URL as it may be logged: no userinfo, and its query (which may carry a token) as `?…`. */
export function loggableUrl(url: string): string {
  const bare = stripUserinfo(url);
  const q = bare.indexOf('?');
  return q < 0 ? bare : bare.slice(0, q) + '?…';
}
