/**
 * `/doc`: the page for app teams (the original's was empty, spec §5 item 19). Rendered once per `base_url`;
 * every example is a real link to this server's routes. Everything interpolated is HTML-escaped.
 */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function docPage(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const link = (path: string): string => {
    const href = escapeHtml(`${base}${path}`);
    return `<a href="${href}"><code>${href}</code></a>`;
  };
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>promfetcher</title></head>
<body>
<h1>promfetcher</h1>
<p>promfetcher scrapes every instance of your Cloud Foundry app and answers one Prometheus exposition with
the samples of all instances, each labelled with <code>organization_id</code>, <code>space_id</code>,
<code>app_id</code>, <code>organization_name</code>, <code>space_name</code>, <code>app_name</code>,
<code>index</code>, <code>instance_id</code> and <code>instance</code>.</p>
<h2>Endpoints</h2>
<ul>
<li>By names: ${link('/v1/apps/my-org/my-space/my-app/metrics')}</li>
<li>By app GUID: ${link('/v1/apps/6b0bd9a4-0f34-4b2a-9d4e-0c8f5b7d1e2a/metrics')}</li>
<li>By route: ${link('/v1/apps/my-app.example.com/metrics')}</li>
<li>By query: ${link('/v1/apps/metrics?app=my-org/my-space/my-app')} or ${link('/v1/apps/metrics?route_url=my-app.example.com')}</li>
<li>Another metrics path on your instances: ${link('/v1/apps/my-org/my-space/my-app/metrics?metric_path=/actuator/prometheus')}</li>
<li>Without external exporters: ${link('/v1/apps/my-org/my-space/my-app/only-app-metrics')}</li>
</ul>
<p><code>/v2/…</code> is the same as <code>/v1/…</code>. The answer is OpenMetrics 1.0.0 or text 0.0.4, as your
<code>Accept</code> header asks. An instance that cannot be scraped does not fail the answer: it shows up as
<code>promfetcher_scrape_error{reason="…"} 1</code> and <code>promfetcher_instance_up 0</code>.
Your <code>Authorization</code> header is passed on to your instances.</p>
<p>To set the metrics path once for your app: <code>cf bind-service my-app promfetcher -c '{"endpoint":"/actuator/prometheus"}'</code>.</p>
<h2>Prometheus</h2>
<pre>scrape_configs:
  - job_name: my-app
    scheme: ${escapeHtml(base.startsWith('http://') ? 'http' : 'https')}
    metrics_path: /v1/apps/my-org/my-space/my-app/metrics
    static_configs:
      - targets: ['${escapeHtml(base.replace(/^https?:\/\//, '') || 'promfetcher.example.com')}']</pre>
</body>
</html>
`;
}
