/**
 * URLs as they may be logged: a query can carry a caller's credential (`metric_path=/metrics?token=…`), so
 * query values are left out — but for `metric_path`, whose path is kept (with its own query cut), and for
 * the few parameters whose values are known to be harmless.
 */

/** Parameters of promfetcher's own API whose values are logged as they are. */
const HARMLESS = new Set(['labels', 'only_from_app', 'only-app-metrics', 'route_url', 'org', 'space', 'app']);
const MAX = 2048;

/** An incoming request URL (path and query) with query values left out as described above. */
export function loggableRequestUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url.slice(0, MAX);
  const params = new URLSearchParams(url.slice(q + 1));
  const parts: string[] = [];
  for (const [name, value] of params) {
    let shown: string;
    if (HARMLESS.has(name)) shown = value;
    else if (name === 'metric_path') shown = withoutQuery(value);
    else shown = '…';
    parts.push(`${encodeURIComponent(name)}=${shown === '…' ? shown : encodeURIComponent(shown)}`);
  }
  return (url.slice(0, q) + '?' + parts.join('&')).slice(0, MAX);
}

function withoutQuery(value: string): string {
  const q = value.indexOf('?');
  return q < 0 ? value : value.slice(0, q) + '?…';
}
