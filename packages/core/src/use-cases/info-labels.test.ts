import type { Labels } from '../exposition/model.js';
import { parseExposition } from '../exposition/parse.js';
import { silentLogger } from '../ports/logger.js';
import { cfLabelsFor } from '../relabel/cf-labels.js';
import { parseAppRef } from '../routes/app-ref.js';
import { RouteTable } from '../routes/route-table.js';
import { anEndpoint, appTags } from '../testing/builders.js';
import { InMemoryEndpointOverrides } from '../testing/in-memory-endpoint-overrides.js';
import { ManualClock } from '../testing/manual-clock.js';
import { ScriptedTargetScraper } from '../testing/scripted-target-scraper.js';
import { FetchAppMetrics, type FetchInput } from './fetch-app-metrics.js';
import { INSTANCE_INFO_FAMILY, INSTANCE_INFO_METRIC, infoLabelsFor, parseLabelMode } from './info-labels.js';

const identity = (index: string | undefined, instance: string, appId = 'app-1'): Labels =>
  cfLabelsFor({
    organizationId: 'org-1',
    spaceId: 'space-1',
    appId,
    organizationName: 'acme',
    spaceName: 'prod',
    appName: 'shop',
    ...(index === undefined ? {} : { index }),
    instance,
  });

const names = (labels: Labels): string[] => labels.map((l) => `${l.name}=${l.value}`);

describe('infoLabelsFor', () => {
  it('keeps app_id and index on samples and makes one info sample with all nine labels per instance', () => {
    const a = identity('0', '10.0.0.1:8080');
    const b = identity('1', '10.0.0.2:8080');
    const out = infoLabelsFor([a, b]);
    expect(out.sampleLabels.map(names)).toEqual([
      ['app_id=app-1', 'index=0'],
      ['app_id=app-1', 'index=1'],
    ]);
    expect(out.exposition.families).toHaveLength(1);
    const family = out.exposition.families[0]!;
    expect(family.name).toBe(INSTANCE_INFO_FAMILY);
    expect(family.type).toBe('info');
    expect(family.samples.map((s) => [s.name, s.value, names(s.labels)])).toEqual([
      [INSTANCE_INFO_METRIC, 1, names(a)],
      [INSTANCE_INFO_METRIC, 1, names(b)],
    ]);
    expect(names(a)).toHaveLength(9);
  });

  it('adds instance on the samples of instances whose app_id+index is shared or whose index is missing', () => {
    const out = infoLabelsFor([
      identity('0', '10.0.0.1:8080'),
      identity('0', '10.0.0.9:8080'),
      identity('1', '10.0.0.2:8080'),
      identity(undefined, '10.0.0.3:8080'),
      identity('0', '10.0.0.4:8080', 'app-2'),
    ]);
    expect(out.sampleLabels.map(names)).toEqual([
      ['app_id=app-1', 'index=0', 'instance=10.0.0.1:8080'],
      ['app_id=app-1', 'index=0', 'instance=10.0.0.9:8080'],
      ['app_id=app-1', 'index=1'],
      ['app_id=app-1', 'instance=10.0.0.3:8080'],
      ['app_id=app-2', 'index=0'],
    ]);
    expect(out.exposition.families[0]!.samples).toHaveLength(5);
  });

  it('writes one info sample per distinct identity, and no family without instances', () => {
    const a = identity('0', '10.0.0.1:8080');
    expect(infoLabelsFor([a, a]).exposition.families[0]!.samples).toHaveLength(1);
    expect(infoLabelsFor([]).exposition.families).toEqual([]);
  });

  it('parses the label modes and nothing else', () => {
    expect(parseLabelMode('info')).toBe('info');
    expect(parseLabelMode('full')).toBe('full');
    expect(parseLabelMode('INFO')).toBeUndefined();
    expect(parseLabelMode('')).toBeUndefined();
  });
});

describe('FetchAppMetrics with labelMode info', () => {
  const SHOP = 'shop.apps.example.com';
  const appId = appTags({ app: 'shop' })['app_id']!;

  async function fetchBody(input: Partial<FetchInput>): Promise<string> {
    const clock = new ManualClock(1_700_000_000_000);
    const table = new RouteTable(clock);
    const scraper = new ScriptedTargetScraper();
    for (const index of [0, 1]) {
      table.register(
        SHOP,
        anEndpoint({ address: `10.0.0.${index + 1}:8080`, tags: appTags({ app: 'shop', index }) }),
      );
      scraper.on(`http://10.0.0.${index + 1}:8080/metrics`, {
        body: `# TYPE req_total counter\nreq_total{code="200"} ${index + 5}\n`,
      });
    }
    const ref = parseAppRef(SHOP);
    if (!ref.ok) throw ref.error;
    const r = await new FetchAppMetrics({
      routes: table,
      scraper,
      overrides: new InMemoryEndpointOverrides(),
      clock,
      telemetry: { targetScraped: () => undefined, samplesDropped: () => undefined },
      logger: silentLogger,
    }).execute({
      app: ref.value,
      onlyApp: true,
      format: 'text-0.0.4',
      forwardHeaders: {},
      timeoutMs: 10_000,
      ...input,
    });
    if (!r.ok) throw r.error;
    return r.value.body;
  }

  it('stamps short labels on samples, adds cf_app_instance_info, keeps full labels on accounting series', async () => {
    const body = await fetchBody({ labelMode: 'info' });
    expect(body).toContain(`req_total{code="200",app_id="${appId}",index="0"} 5\n`);
    expect(body).toContain(`req_total{code="200",app_id="${appId}",index="1"} 6\n`);
    expect(body).toContain('# TYPE cf_app_instance_info gauge\n');
    const info = body.split('\n').filter((l) => l.startsWith('cf_app_instance_info{'));
    expect(info).toHaveLength(2);
    expect(info[0]).toMatch(
      /^cf_app_instance_info\{organization_id="[^"]+",space_id="[^"]+",app_id="[^"]+",organization_name="acme",space_name="prod",app_name="shop",index="0",instance_id="0",instance="10\.0\.0\.1:8080"\} 1$/,
    );
    // Accounting keeps the app's six labels per app, and the full labels per instance.
    expect(body).toMatch(
      /promfetcher_app_instances_expected\{organization_id="[^"]+",[^}]*app_name="shop"\} 2\n/,
    );
    expect(body).toMatch(
      /promfetcher_instance_up\{[^}]*index="1",instance_id="1",instance="10\.0\.0\.2:8080"\} 1\n/,
    );
    expect(parseExposition(body, 'text/plain; version=0.0.4').ok).toBe(true);
  });

  it('answers a valid OpenMetrics info family', async () => {
    const body = await fetchBody({ labelMode: 'info', format: 'openmetrics-1.0.0' });
    expect(body).toContain('# TYPE cf_app_instance info\n');
    expect(body).toMatch(/\ncf_app_instance_info\{[^}]*index="0"[^}]*\} 1\n/);
    expect(body.endsWith('# EOF\n')).toBe(true);
    expect(parseExposition(body, 'application/openmetrics-text; version=1.0.0').ok).toBe(true);
  });

  it('is the full mode without labelMode or with full', async () => {
    for (const labelMode of [undefined, 'full'] as const) {
      const body = await fetchBody(labelMode === undefined ? {} : { labelMode });
      expect(body).not.toContain('cf_app_instance_info');
      expect(body).toMatch(
        /req_total\{code="200",organization_id="[^"]+",[^}]*instance="10\.0\.0\.1:8080"\} 5\n/,
      );
    }
  });
});
