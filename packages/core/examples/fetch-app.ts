import {
  FetchAppMetrics,
  RouteTable,
  negotiateFormat,
  noopTelemetry,
  ok,
  parseAppRef,
  silentLogger,
  type TargetScraper,
} from '@promfetcher/core';

const clock = { now: () => 1_700_000_000_000 };
const routes = new RouteTable(clock);
routes.register('shop.apps.example.com', {
  address: '10.0.16.21:61012',
  tls: false,
  ttlSeconds: 120,
  tags: {
    app_id: '0b6e3f8e-4c1a-4f5e-9d51-2f0c7a9b1e11',
    app_name: 'shop',
    organization_id: '7d1f2a3b-0c4d-4e5f-8a9b-1c2d3e4f5a6b',
    organization_name: 'acme',
    space_id: '2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809',
    space_name: 'prod',
    instance_id: '0',
    process_type: 'web',
  },
});

// Any TargetScraper will do; promfetcher's server uses GotTargetScraper (adapter-http).
const scraper: TargetScraper = {
  scrape: async () => ok({ body: 'up_seconds 42\n', contentType: 'text/plain', durationMs: 3 }),
};

const fetchApp = new FetchAppMetrics({
  routes,
  scraper,
  overrides: { endpointFor: async () => undefined },
  clock,
  telemetry: noopTelemetry,
  logger: silentLogger,
});

export async function shopMetrics(): Promise<string> {
  const app = parseAppRef('acme/prod/shop');
  if (!app.ok) throw app.error;
  const answer = await fetchApp.execute({
    app: app.value,
    onlyApp: true,
    format: negotiateFormat('text/plain;version=0.0.4'),
    forwardHeaders: {},
    timeoutMs: 5_000,
  });
  if (!answer.ok) throw answer.error; // AppNotFoundError or BadRequestError
  return answer.value.body;
}
