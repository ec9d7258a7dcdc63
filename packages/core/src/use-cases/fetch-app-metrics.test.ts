import { AppNotFoundError, BadRequestError, type ScrapeFailureReason } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';
import type { ScrapeRequest, TargetScraper } from '../ports/target-scraper.js';
import type { AppLabels, FetchTelemetry } from '../ports/telemetry.js';
import { parseAppRef, type AppRef } from '../routes/app-ref.js';
import type { Endpoint } from '../routes/endpoint.js';
import { RouteTable } from '../routes/route-table.js';
import { anEndpoint, appTags } from '../testing/builders.js';
import { InMemoryEndpointOverrides } from '../testing/in-memory-endpoint-overrides.js';
import { ManualClock } from '../testing/manual-clock.js';
import { ScriptedTargetScraper } from '../testing/scripted-target-scraper.js';
import type { ExternalExporter } from './external-exporter.js';
import { FetchAppMetrics, type FetchInput, type FetchOptions } from './fetch-app-metrics.js';
import { SCRAPE_ACCEPT, stripUserinfo } from './scrape-headers.js';

const SHOP = 'shop.apps.example.com';
const TEXT = 'text/plain; version=0.0.4';
const OM = 'application/openmetrics-text; version=1.0.0';
const shopTags = (index: number): Record<string, string> => ({ ...appTags({ app: 'shop', index }) });
const SHOP_ID = shopTags(0)['app_id']!;

function instance(index: number, overrides: Partial<Endpoint> = {}): Endpoint {
  return anEndpoint({ address: `10.0.0.${index + 1}:8080`, tags: shopTags(index), ...overrides });
}

class RecordingTelemetry implements FetchTelemetry {
  readonly scraped: { app: AppLabels; kind: string; index?: string; ok: boolean; reason?: string }[] = [];
  readonly dropped: { count: number; cause: string }[] = [];
  targetScraped(
    app: AppLabels,
    target: { readonly kind: 'instance' | 'exporter'; readonly index?: string },
    outcome: { readonly ok: boolean; readonly reason?: ScrapeFailureReason; readonly durationMs: number },
  ): void {
    this.scraped.push({ app, ...target, ...outcome });
  }
  samplesDropped(count: number, cause: string): void {
    this.dropped.push({ count, cause });
  }
}

class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  debug = (fields: Record<string, unknown>, message: string): void =>
    void this.lines.push({ level: 'debug', message, fields });
  info = (fields: Record<string, unknown>, message: string): void =>
    void this.lines.push({ level: 'info', message, fields });
  warn = (fields: Record<string, unknown>, message: string): void =>
    void this.lines.push({ level: 'warn', message, fields });
  error = (fields: Record<string, unknown>, message: string): void =>
    void this.lines.push({ level: 'error', message, fields });
}

interface World {
  clock: ManualClock;
  table: RouteTable;
  scraper: ScriptedTargetScraper;
  overrides: InMemoryEndpointOverrides;
  telemetry: RecordingTelemetry;
  logger: RecordingLogger;
  fetch: (
    input?: Partial<FetchInput>,
    options?: Partial<FetchOptions>,
    scraper?: TargetScraper,
  ) => ReturnType<FetchAppMetrics['execute']>;
}

function world(): World {
  const clock = new ManualClock(1_700_000_000_000);
  const table = new RouteTable(clock);
  const scraper = new ScriptedTargetScraper();
  const overrides = new InMemoryEndpointOverrides();
  const telemetry = new RecordingTelemetry();
  const logger = new RecordingLogger();
  const fetch: World['fetch'] = (input = {}, options = {}, other) =>
    new FetchAppMetrics({
      routes: table,
      scraper: other ?? scraper,
      overrides,
      clock,
      telemetry,
      logger,
      options,
    }).execute({
      app: ref(SHOP),
      onlyApp: false,
      format: 'text-0.0.4',
      forwardHeaders: {},
      timeoutMs: 10_000,
      ...input,
    });
  return { clock, table, scraper, overrides, telemetry, logger, fetch };
}

function ref(id: string): AppRef {
  const r = parseAppRef(id);
  if (!r.ok) throw r.error;
  return r.value;
}

async function body(
  w: World,
  input: Partial<FetchInput> = {},
  options: Partial<FetchOptions> = {},
): Promise<string> {
  const r = await w.fetch(input, options);
  if (!r.ok) throw r.error;
  return r.value.body;
}

const cf = (index: number): string =>
  `organization_id="${shopTags(index)['organization_id']}",space_id="${shopTags(index)['space_id']}",app_id="${SHOP_ID}",` +
  `organization_name="acme",space_name="prod",app_name="shop"`;
const cfi = (index: number): string =>
  `${cf(index)},index="${index}",instance_id="${index}",instance="10.0.0.${index + 1}:8080"`;

describe('FetchAppMetrics: lookup and paths', () => {
  it('answers AppNotFoundError when nothing matches, naming the reference', async () => {
    const w = world();
    const r = await w.fetch({ app: ref('acme/prod/nope') });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(AppNotFoundError);
      expect((r.error as AppNotFoundError).appRef).toBe('acme/prod/nope');
    }
    expect(w.scraper.requests).toEqual([]);
  });

  it('refuses an invalid explicit metric_path before any scrape', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    const r = await w.fetch({ metricPath: 'http://evil.example.com/' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBeInstanceOf(BadRequestError);
    expect(w.scraper.requests).toEqual([]);
  });

  it('prefers the explicit metric_path over the binding, the binding over /metrics; one lookup per app', async () => {
    const w = world();
    for (const i of [0, 1, 2]) w.table.register(SHOP, instance(i));
    w.overrides.set(SHOP_ID, '/actuator/prometheus');
    await w.fetch({ onlyApp: true });
    expect(w.scraper.requests.map((r) => r.target.url)).toEqual([
      'http://10.0.0.1:8080/actuator/prometheus',
      'http://10.0.0.2:8080/actuator/prometheus',
      'http://10.0.0.3:8080/actuator/prometheus',
    ]);
    expect(w.overrides.lookups).toEqual([SHOP_ID]);
    w.scraper.requests.length = 0;
    await w.fetch({ onlyApp: true, metricPath: 'custom?x=1' });
    expect(w.scraper.requests.map((r) => r.target.url)[0]).toBe('http://10.0.0.1:8080/custom?x=1');
    expect(w.overrides.lookups).toEqual([SHOP_ID]);
    w.overrides.delete(SHOP_ID);
    w.scraper.requests.length = 0;
    await w.fetch({ onlyApp: true });
    expect(w.scraper.requests.map((r) => r.target.url)[0]).toBe('http://10.0.0.1:8080/metrics');
  });

  it('ignores an invalid or failing binding endpoint, with a warning', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    w.overrides.set(SHOP_ID, '//evil.example.com');
    await w.fetch();
    expect(w.scraper.requests[0]!.target.url).toBe('http://10.0.0.1:8080/metrics');
    expect(w.logger.lines.some((l) => l.level === 'warn')).toBe(true);
    const failing = world();
    failing.table.register(SHOP, instance(0));
    const r = await new FetchAppMetrics({
      routes: failing.table,
      scraper: failing.scraper,
      overrides: { endpointFor: () => Promise.reject(new Error('db down')) },
      clock: failing.clock,
      telemetry: failing.telemetry,
      logger: failing.logger,
    }).execute({ app: ref(SHOP), onlyApp: true, format: 'text-0.0.4', forwardHeaders: {}, timeoutMs: 1000 });
    expect(r.ok).toBe(true);
    expect(failing.scraper.requests[0]!.target.url).toBe('http://10.0.0.1:8080/metrics');
    expect(failing.logger.lines.map((l) => l.level)).toContain('warn');
  });
});

describe('FetchAppMetrics: targets and headers', () => {
  it('scrapes an endpoint without CF tags (route lookup) with empty app labels, no index, no exporter', async () => {
    const w = world();
    w.table.register(
      'uaa.sys.example.com',
      anEndpoint({ address: '10.0.5.5:8080', tags: { component: 'uaa' } }),
    );
    w.scraper.on('http://10.0.5.5:8080/metrics', { body: 'x 1\n' });
    const exporter: ExternalExporter = {
      name: 'e',
      host: 'e:1',
      scheme: 'http',
      metricsPath: '/m',
      params: {},
    };
    const r = await w.fetch({ app: ref('uaa.sys.example.com') }, { externalExporters: [exporter] });
    if (!r.ok) throw r.error;
    expect(r.value.targets).toEqual([
      { kind: 'instance', url: 'http://10.0.5.5:8080/metrics', ok: true, durationMs: 0 },
    ]);
    expect(r.value.body).toContain(
      'x{organization_id="",space_id="",app_id="",organization_name="",space_name="",app_name="",instance="10.0.5.5:8080"} 1',
    );
    expect(w.overrides.lookups).toEqual([]);
  });

  it('scrapes TLS instances over https with the SAN as server name and the route host as Host', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    w.table.register(SHOP, instance(1, { tls: true, serverCertDomainSan: 'guid-1' }));
    await w.fetch({
      forwardHeaders: { Authorization: 'Bearer t', accept: 'text/html', 'X-Forwarded-Proto': 'x' },
    });
    const [plain, tls] = w.scraper.requests as [ScrapeRequest, ScrapeRequest];
    expect(plain.target).toEqual({ url: 'http://10.0.0.1:8080/metrics', hostHeader: SHOP, kind: 'instance' });
    expect(tls.target).toEqual({
      url: 'https://10.0.0.2:8080/metrics',
      hostHeader: SHOP,
      kind: 'instance',
      serverName: 'guid-1',
    });
    expect(plain.headers).toEqual({
      Authorization: 'Bearer t',
      Accept: SCRAPE_ACCEPT,
      'X-Forwarded-Proto': 'http',
      'X-Prometheus-Scrape-Timeout-Seconds': '10.000',
    });
    expect(tls.headers['X-Forwarded-Proto']).toBe('https');
    expect(plain.timeoutMs).toBe(10_000);
  });

  it('sends the instance address as Host for an entry under a wildcard route', async () => {
    const w = world();
    w.table.register('*.apps.example.com', instance(0));
    await w.fetch({ app: ref(SHOP_ID) });
    expect(w.scraper.requests[0]!.target.hostHeader).toBe('10.0.0.1:8080');
    w.scraper.requests.length = 0;
    await w.fetch({ app: ref('any.apps.example.com') });
    expect(w.scraper.requests[0]!.target.hostHeader).toBe('any.apps.example.com');
  });

  it('bounds concurrency per request', async () => {
    const w = world();
    for (let i = 0; i < 10; i++) w.table.register(SHOP, instance(i));
    await w.fetch({}, { maxConcurrencyPerRequest: 3 });
    expect(w.scraper.requests).toHaveLength(10);
    expect(w.scraper.maxInFlight).toBe(3);
    expect(() => new FetchAppMetrics({ ...deps(w), options: { maxConcurrencyPerRequest: 0 } })).toThrow(
      RangeError,
    );
  });
});

function deps(w: World): ConstructorParameters<typeof FetchAppMetrics>[0] {
  return {
    routes: w.table,
    scraper: w.scraper,
    overrides: w.overrides,
    clock: w.clock,
    telemetry: w.telemetry,
    logger: silentLogger,
  };
}

describe('FetchAppMetrics: merged answer', () => {
  it('relabels and merges instances in index order, both formats parsed, with accounting', async () => {
    const w = world();
    w.table.register(SHOP, instance(1));
    w.table.register(SHOP, instance(0));
    w.scraper
      .on('http://10.0.0.1:8080/metrics', {
        body: '# TYPE up_total counter\nup_total{a="x"} 3\n',
        contentType: TEXT,
        delayMs: 250,
      })
      .on('http://10.0.0.2:8080/metrics', {
        body: '# TYPE up counter\nup_total{a="x"} 4\n# EOF\n',
        contentType: OM,
        delayMs: 500,
      });
    const r = await w.fetch();
    if (!r.ok) throw r.error;
    expect(r.value.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.value.body).toBe(
      [
        '# HELP promfetcher_instance_up 1 when the target was scraped and parsed, else 0.',
        '# TYPE promfetcher_instance_up gauge',
        `promfetcher_instance_up{${cfi(0)}} 1`,
        `promfetcher_instance_up{${cfi(1)}} 1`,
        '# HELP promfetcher_instance_scrape_duration_seconds How long scraping the target took, in seconds.',
        '# TYPE promfetcher_instance_scrape_duration_seconds gauge',
        `promfetcher_instance_scrape_duration_seconds{${cfi(0)}} 0.25`,
        `promfetcher_instance_scrape_duration_seconds{${cfi(1)}} 0.5`,
        '# HELP promfetcher_app_instances_expected Instances of the app found in the routing table.',
        '# TYPE promfetcher_app_instances_expected gauge',
        `promfetcher_app_instances_expected{${cf(0)}} 2`,
        '# HELP promfetcher_app_instances_scraped Instances of the app scraped and parsed.',
        '# TYPE promfetcher_app_instances_scraped gauge',
        `promfetcher_app_instances_scraped{${cf(0)}} 2`,
        '# TYPE up_total counter',
        `up_total{a="x",${cfi(0)}} 3`,
        `up_total{a="x",${cfi(1)}} 4`,
        '',
      ].join('\n'),
    );
    expect(r.value.targets).toEqual([
      { kind: 'instance', url: 'http://10.0.0.1:8080/metrics', index: '0', ok: true, durationMs: 250 },
      { kind: 'instance', url: 'http://10.0.0.2:8080/metrics', index: '1', ok: true, durationMs: 500 },
    ]);
    expect(w.telemetry.scraped.map((s) => [s.kind, s.index, s.ok, s.app.appName])).toEqual([
      ['instance', '0', true, 'shop'],
      ['instance', '1', true, 'shop'],
    ]);
  });

  it('writes OpenMetrics when asked', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    w.scraper.on('http://10.0.0.1:8080/metrics', { body: 'x 1\n' });
    const r = await w.fetch({ format: 'openmetrics-1.0.0' }, { accountingSeries: false });
    if (!r.ok) throw r.error;
    expect(r.value.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(r.value.body).toBe(`# TYPE x unknown\nx{${cfi(0)}} 1\n# EOF\n`);
  });

  it('turns failures into bounded series, never error text, and still answers the rest', async () => {
    const w = world();
    for (const i of [0, 1, 2, 3]) w.table.register(SHOP, instance(i));
    w.scraper
      .on('http://10.0.0.1:8080/metrics', { body: 'ok_metric 1\n' })
      .on('http://10.0.0.2:8080/metrics', { fail: 'status_5xx', status: 503 })
      .on('http://10.0.0.3:8080/metrics', { body: 'not a metric line at all {\n', contentType: TEXT });
    const out = await body(w);
    expect(out).toContain(`promfetcher_scrape_error{${cfi(1)},reason="status_5xx"} 1`);
    expect(out).toContain(`promfetcher_scrape_error{${cfi(2)},reason="parse"} 1`);
    expect(out).toContain(`promfetcher_scrape_error{${cfi(3)},reason="connect"} 1`);
    expect(out).toContain(`promfetcher_instance_up{${cfi(1)}} 0`);
    expect(out).toContain(`promfetcher_app_instances_expected{${cf(0)}} 4`);
    expect(out).toContain(`promfetcher_app_instances_scraped{${cf(0)}} 1`);
    expect(out).toContain(`ok_metric{${cfi(0)}} 1`);
    expect(out).not.toMatch(/scripted|503|line \d/);
    expect(w.telemetry.scraped.map((s) => s.reason)).toEqual([undefined, 'status_5xx', 'parse', 'connect']);
  });

  it('leaves accounting out when disabled, keeping the error series', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    const out = await body(w, {}, { accountingSeries: false });
    expect(out).toBe(
      '# HELP promfetcher_scrape_error A target of this app could not be scraped; reason tells why.\n' +
        '# TYPE promfetcher_scrape_error gauge\n' +
        `promfetcher_scrape_error{${cfi(0)},reason="connect"} 1\n`,
    );
  });

  it('reports merge drops through telemetry', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    w.table.register(SHOP, instance(1));
    w.scraper
      .on('http://10.0.0.1:8080/metrics', { body: '# TYPE x gauge\nx 1\n' })
      .on('http://10.0.0.2:8080/metrics', { body: '# TYPE x counter\nx 1\nx{b="2"} 2\n' });
    const out = await body(w, {}, { accountingSeries: false });
    expect(out).toContain(`x{${cfi(0)}} 1`);
    expect(out).not.toContain(`x{${cfi(1)}}`);
    expect(w.telemetry.dropped).toEqual([{ count: 2, cause: 'merge:type' }]);
  });

  it('reports a scraper that throws as `other`, logged at error', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    const throwing: TargetScraper = { scrape: () => Promise.reject(new Error('bug')) };
    const r = await w.fetch({}, {}, throwing);
    if (!r.ok) throw r.error;
    expect(r.value.targets[0]).toMatchObject({ ok: false, reason: 'other' });
    expect(w.logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });
});

describe('FetchAppMetrics: deadline', () => {
  it('reports an instance slower than the deadline as timeout and returns the rest', async () => {
    const w = world();
    for (const i of [0, 1, 2]) w.table.register(SHOP, instance(i));
    w.scraper
      .on('http://10.0.0.1:8080/metrics', { body: 'a 1\n', delayMs: 100 })
      .on('http://10.0.0.2:8080/metrics', { body: 'a 2\n', delayMs: 5_000 })
      .on('http://10.0.0.3:8080/metrics', { body: 'a 3\n', delayMs: 900 });
    const r = await w.fetch({ timeoutMs: 1_000 });
    if (!r.ok) throw r.error;
    expect(r.value.targets.map((t) => [t.index, t.ok, t.reason])).toEqual([
      ['0', true, undefined],
      ['1', false, 'timeout'],
      ['2', true, undefined],
    ]);
    expect(r.value.body).toContain(`a{${cfi(0)}} 1`);
    expect(r.value.body).toContain(`a{${cfi(2)}} 3`);
    expect(r.value.body).toContain(`promfetcher_scrape_error{${cfi(1)},reason="timeout"} 1`);
  });

  it('gives later targets only the time left, and skips those past the deadline', async () => {
    const w = world();
    for (const i of [0, 1, 2]) w.table.register(SHOP, instance(i));
    const slow: TargetScraper = {
      scrape: async (request) => {
        const result = await w.scraper.scrape(request);
        w.clock.advance(600);
        return result;
      },
    };
    w.scraper.otherwise({ body: 'a 1\n' });
    const r = await w.fetch({ timeoutMs: 1_000 }, { maxConcurrencyPerRequest: 1 }, slow);
    if (!r.ok) throw r.error;
    expect(w.scraper.requests.map((q) => q.timeoutMs)).toEqual([1_000, 400]);
    expect(w.scraper.requests[1]!.headers['X-Prometheus-Scrape-Timeout-Seconds']).toBe('0.400');
    expect(r.value.targets.map((t) => t.reason)).toEqual([undefined, undefined, 'timeout']);
  });

  it('scrapes nothing once the caller aborted, and passes the signal on', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    const live = new AbortController();
    await w.fetch({ signal: live.signal });
    expect(w.scraper.requests[0]!.signal).toBe(live.signal);
    w.scraper.requests.length = 0;
    const aborted = new AbortController();
    aborted.abort();
    const r = await w.fetch({ signal: aborted.signal });
    if (!r.ok) throw r.error;
    expect(w.scraper.requests).toEqual([]);
    expect(r.value.targets[0]).toMatchObject({ ok: false, reason: 'timeout' });
  });
});

describe('FetchAppMetrics: external exporters', () => {
  const logs: ExternalExporter = {
    name: 'logs',
    host: 'exporter.example.com:8086',
    scheme: 'https',
    metricsPath: '/metrics?source_id[]=old&keep=1',
    params: {
      'source_id[]': ['{{.AppID}}'],
      who: ['{{ .OrganizationName }}/{{.SpaceName}}/{{.AppName}}:{{.ProcessType}}'],
    },
  };
  const other = { app: 'blog' };
  const blogTags = appTags(other);

  function blueGreen(w: World): void {
    w.table.register(SHOP, instance(1));
    w.table.register(SHOP, instance(0));
    w.table.register(SHOP, anEndpoint({ address: '10.0.1.1:8080', tags: { ...blogTags, instance_id: '0' } }));
  }

  it('scrapes each exporter once per distinct app, with rendered params and six labels only', async () => {
    const w = world();
    blueGreen(w);
    const url = (appId: string, app: string): string =>
      `https://exporter.example.com:8086/metrics?keep=1&source_id%5B%5D=${appId}&who=acme%2Fprod%2F${app}%3Aexternal_exporter`;
    w.scraper.on(url(SHOP_ID, 'shop'), { body: 'logs_total 5\n', delayMs: 10 });
    const r = await w.fetch(
      { forwardHeaders: { Authorization: 'Bearer t', 'X-Custom': 'y' } },
      { externalExporters: [logs] },
    );
    if (!r.ok) throw r.error;
    const exporterRequests = w.scraper.requests.filter((q) => q.target.kind === 'exporter');
    expect(exporterRequests.map((q) => q.target.url)).toEqual([
      url(SHOP_ID, 'shop'),
      url(blogTags['app_id']!, 'blog'),
    ]);
    expect(exporterRequests[0]!.target.hostHeader).toBe('exporter.example.com:8086');
    expect(exporterRequests[0]!.headers).toEqual({
      'X-Custom': 'y',
      Accept: SCRAPE_ACCEPT,
      'X-Forwarded-Proto': 'https',
      'X-Prometheus-Scrape-Timeout-Seconds': '10.000',
    });
    expect(r.value.body).toContain(`logs_total{${cf(0)}} 5`);
    expect(r.value.body).toContain(`promfetcher_instance_up{${cf(0)},exporter="logs"} 1`);
    expect(r.value.targets.map((t) => [t.kind, t.index, t.exporter])).toEqual([
      ['instance', '0', undefined],
      ['instance', '0', undefined],
      ['instance', '1', undefined],
      ['exporter', undefined, 'logs'],
      ['exporter', undefined, 'logs'],
    ]);
    expect(w.overrides.lookups).toEqual([SHOP_ID, blogTags['app_id']]);
    const expectedBlog = `organization_id="${blogTags['organization_id']}"`;
    expect(r.value.body).toContain(`promfetcher_app_instances_expected{${expectedBlog}`);
  });

  it('skips exporters for only-app requests', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    await w.fetch({ onlyApp: true }, { externalExporters: [logs] });
    expect(w.scraper.requests.map((q) => q.target.kind)).toEqual(['instance']);
  });

  it('turns a template error into a failure series without scraping', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    const broken: ExternalExporter = { ...logs, host: 'u:p@exp.example.com', params: { id: ['{{.Nope}}'] } };
    const r = await w.fetch({}, { externalExporters: [broken] });
    if (!r.ok) throw r.error;
    expect(w.scraper.requests.map((q) => q.target.kind)).toEqual(['instance']);
    expect(r.value.targets[1]).toEqual({
      kind: 'exporter',
      url: 'https://exp.example.com',
      exporter: 'logs',
      ok: false,
      reason: 'other',
      durationMs: 0,
    });
    expect(r.value.body).toContain(`promfetcher_scrape_error{${cf(0)},exporter="logs",reason="other"} 1`);
    expect(
      w.logger.lines.some((l) => l.level === 'warn' && String(l.fields['reason']).includes('.Nope')),
    ).toBe(true);
  });
});

describe('stripUserinfo', () => {
  it.each([
    ['https://u:p@host:1/x', 'https://host:1/x'],
    ['u@host', 'host'],
    ['http://host/a@b', 'http://host/a@b'],
    ['http://host/x?q=a@b', 'http://host/x?q=a@b'],
  ])('%s → %s', (input, expected) => {
    expect(stripUserinfo(input)).toBe(expected);
  });
});

describe('FetchAppMetrics: fast path and model path', () => {
  const declines = (w: World): unknown[] =>
    w.logger.lines.filter((l) => l.message === 'fast path declined').map((l) => l.fields['reason']);

  it('answers text and OpenMetrics bodies through the fast path, as bytes', async () => {
    for (const om of [false, true]) {
      const w = world();
      w.table.register(SHOP, instance(0));
      w.table.register(SHOP, instance(1));
      w.scraper.on('http://10.0.0.1:8080/metrics', { body: 'up{job="a"} 1\n', contentType: TEXT });
      w.scraper.on('http://10.0.0.2:8080/metrics', {
        body: om ? '# TYPE up unknown\nup{job="a"} 2\n# EOF\n' : 'up{job="a"} 2\n',
        contentType: om ? OM : TEXT,
      });
      const r = await w.fetch({ onlyApp: true, format: 'openmetrics-1.0.0' });
      if (!r.ok) throw r.error;
      expect(r.value.bytes).toBeDefined();
      expect(declines(w)).toEqual([]);
      expect(r.value.body).toContain(`# TYPE up unknown\nup{job="a",${cfi(0)}} 1\nup{job="a",${cfi(1)}} 2\n`);
      expect(r.value.body.endsWith('# EOF\n')).toBe(true);
    }
  });

  it('takes the model path, reading no body for the fast path, when exporters are among the targets', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    w.scraper.otherwise({ body: 'up 1\n', contentType: TEXT });
    const exporter: ExternalExporter = {
      name: 'logs',
      host: 'exp.example.com',
      scheme: 'https',
      metricsPath: '/metrics',
      params: {},
    };
    const r = await w.fetch({}, { externalExporters: [exporter] });
    if (!r.ok) throw r.error;
    expect(r.value.bytes).toBeUndefined();
    expect(declines(w)).toEqual(['exporters among the targets']);
    expect(r.value.body).toContain(`up{${cfi(0)}} 1`);
  });

  it('reports a body that does not parse as reason="parse" (the model path decides)', async () => {
    const w = world();
    w.table.register(SHOP, instance(0));
    w.table.register(SHOP, instance(1));
    w.scraper.on('http://10.0.0.1:8080/metrics', { body: 'up 1\n', contentType: TEXT });
    w.scraper.on('http://10.0.0.2:8080/metrics', { body: 'up{job=oops} 1\n', contentType: TEXT });
    const text = await body(w, { onlyApp: true });
    expect(declines(w)).toEqual(['label syntax']);
    expect(text).toContain(`up{${cfi(0)}} 1`);
    expect(text).toContain(`promfetcher_scrape_error{${cfi(1)},reason="parse"} 1`);
  });
});

describe('FetchAppMetrics: a fault inside the fast path', () => {
  it('is logged and the request answered through the model path', async () => {
    class FaultyBytes extends Uint8Array {
      override indexOf(): number {
        throw new Error('boom');
      }
    }
    const text = 'up{job="a"} 1\n';
    const faulty = Object.setPrototypeOf(Buffer.from(text), FaultyBytes.prototype) as Buffer;
    Object.setPrototypeOf(FaultyBytes.prototype, Buffer.prototype);
    const scraper: TargetScraper = {
      scrape: async () => ({
        ok: true,
        value: { body: text, bytes: faulty, contentType: TEXT, durationMs: 1 },
      }),
    };
    const w = world();
    w.table.register(SHOP, instance(0));
    const r = await w.fetch({ onlyApp: true }, {}, scraper);
    if (!r.ok) throw r.error;
    expect(r.value.body).toContain(`up{job="a",${cfi(0)}} 1`);
    expect(w.logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'fast path failed; answering through the model path',
    ]);
  });
});
