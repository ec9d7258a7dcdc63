/**
 * Info-metric mode (issue 7 item 5) on the real stack: `labels=info` / `cf_labels: info`, both formats valid
 * (promtool on the text answer, core's strict parser on both), and the size of the answer for 20 instances ×
 * 2000 series, full vs info (printed; the ratio is asserted to be at least 2).
 */
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { parseExposition } from '@promfetcher/core';
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { startAppStack, type AppStack } from './kit/app-stack.js';
import { answer, startInstance, type InstanceServer } from './kit/instance-server.js';

const PROMTOOL = '/usr/bin/promtool';
const OM = 'application/openmetrics-text; version=1.0.0';
const TEXT = 'text/plain; version=0.0.4';
const INSTANCES = 20;
const SERIES_PER_INSTANCE = 2000;
const SHOP = 'acme/prod/shop';

/**
 * 2000 series shaped like a JVM/Spring app: 100 families of 20 series, a mix of counters with
 * method/uri/status labels, gauges with an `area`/`id` label, and histograms (buckets + sum + count).
 */
function instanceBody(instance: number): string {
  const lines: string[] = [];
  let series = 0;
  for (let f = 0; series < SERIES_PER_INSTANCE; f++) {
    const kind = f % 3;
    if (kind === 0) {
      const name = `http_server_requests_${f}_total`;
      lines.push(`# HELP ${name} Requests served.`, `# TYPE ${name} counter`);
      for (let i = 0; i < 20 && series < SERIES_PER_INSTANCE; i++, series++) {
        lines.push(
          `${name}{method="${i % 2 === 0 ? 'GET' : 'POST'}",uri="/api/v1/items/${i}",status="200"} ${instance * 1000 + i}`,
        );
      }
    } else if (kind === 1) {
      const name = `jvm_memory_used_${f}_bytes`;
      lines.push(`# HELP ${name} Memory used.`, `# TYPE ${name} gauge`);
      for (let i = 0; i < 20 && series < SERIES_PER_INSTANCE; i++, series++) {
        lines.push(`${name}{area="heap",id="pool-${i}"} ${1e6 + i}`);
      }
    } else {
      const name = `http_client_latency_${f}_seconds`;
      lines.push(`# HELP ${name} Latency.`, `# TYPE ${name} histogram`);
      for (let r = 0; r < 2 && series < SERIES_PER_INSTANCE; r++) {
        const route = `route="/r${r}"`;
        for (const le of ['0.005', '0.01', '0.05', '0.1', '0.5', '1', '5', '+Inf']) {
          lines.push(`${name}_bucket{${route},le="${le}"} ${r + 10}`);
          series++;
        }
        lines.push(`${name}_sum{${route}} 1.5`, `${name}_count{${route}} ${r + 10}`);
        series += 2;
      }
    }
  }
  return lines.join('\n') + '\n';
}

function promtool(body: string): { status: number | null; stderr: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, stderr: r.stderr };
}

function seriesLines(body: string): string[] {
  return body.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('info-metric mode', () => {
  const instances: InstanceServer[] = [];
  let full: AppStack;
  let info: AppStack;

  beforeAll(async () => {
    for (let i = 0; i < INSTANCES; i++) instances.push(await startInstance(answer(instanceBody(i), TEXT)));
    full = await startAppStack({ app: { singleFlight: false } });
    info = await startAppStack({ app: { cfLabels: 'info' } });
    for (const stack of [full, info]) {
      instances.forEach((server, index) =>
        stack.table.register(
          'shop.example.com',
          anEndpoint({ address: server.address, tags: appTags({ app: 'shop', index }) }),
        ),
      );
    }
  }, 30_000);

  afterAll(async () => {
    await full.close();
    await info.close();
    for (const server of instances) await server.close();
  });

  const get = async (stack: AppStack, query: string, accept = TEXT): Promise<Response> =>
    fetch(`${stack.url}/v1/apps/${SHOP}/metrics${query}`, { headers: { Accept: accept } });

  it('labels=info: short sample labels, one cf_app_instance_info per instance; promtool accepts it', async () => {
    const res = await get(full, '?labels=info');
    expect(res.status).toBe(200);
    const body = await res.text();
    const appId = appTags({ app: 'shop' })['app_id']!;
    expect(body).toContain(
      `jvm_memory_used_1_bytes{area="heap",id="pool-0",app_id="${appId}",index="7"} 1000000\n`,
    );
    const infoLines = body.split('\n').filter((l) => l.startsWith('cf_app_instance_info{'));
    expect(infoLines).toHaveLength(INSTANCES);
    expect(infoLines[3]).toMatch(
      new RegExp(
        `^cf_app_instance_info\\{organization_id="[^"]+",space_id="[^"]+",app_id="${appId}",` +
          'organization_name="acme",space_name="prod",app_name="shop",index="3",instance_id="3",' +
          `instance="${instances[3]!.address.replace(/\./g, '\\.')}"\\} 1$`,
      ),
    );
    expect(body).toContain('# TYPE cf_app_instance_info gauge\n');
    // Apart from promfetcher's own series (full labels), no sample carries organization_name.
    const appSamples = seriesLines(body).filter(
      (l) => !l.startsWith('cf_app_instance_info') && !l.startsWith('promfetcher_'),
    );
    expect(appSamples).toHaveLength(INSTANCES * SERIES_PER_INSTANCE);
    expect(appSamples.filter((l) => l.includes('organization_name='))).toEqual([]);
    expect(parseExposition(body, TEXT).ok).toBe(true);
    const checked = promtool(body);
    if (checked.status !== 0 && checked.status !== 3) throw new Error(`promtool: ${checked.stderr}`);
  }, 60_000);

  it('promtool rejects a broken body (so the check above can fail)', () => {
    expect(promtool('# TYPE x counter\n# TYPE x counter\nx 1\n').status).toBe(1);
  });

  it('answers a valid OpenMetrics body with an info family', async () => {
    const res = await get(info, '', `${OM},${TEXT};q=0.5`);
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    const body = await res.text();
    expect(body).toContain('# TYPE cf_app_instance info\n');
    expect(body.split('\n').filter((l) => l.startsWith('cf_app_instance_info{'))).toHaveLength(INSTANCES);
    expect(body.endsWith('# EOF\n')).toBe(true);
    const parsed = parseExposition(body, OM);
    if (!parsed.ok) throw parsed.error;
    const family = parsed.value.families.find((f) => f.name === 'cf_app_instance');
    expect(family?.type).toBe('info');
  }, 60_000);

  it('cf_labels: info is the default of that server; labels=full overrides it; another value is a 400', async () => {
    const byDefault = await (await get(info, '')).text();
    expect(byDefault).toContain('cf_app_instance_info{');
    const overridden = await (await get(info, '?labels=full')).text();
    expect(overridden).not.toContain('cf_app_instance_info');
    expect(overridden).toMatch(/jvm_memory_used_1_bytes\{area="heap",id="pool-0",organization_id="[^"]+",/);
    const bad = await get(info, '?labels=compact');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/labels must be info or full/);
  }, 60_000);

  it('single flight never shares an answer between label modes', async () => {
    const [a, b] = await Promise.all([get(info, '?labels=full'), get(info, '?labels=info')]);
    expect(await a.text()).not.toContain('cf_app_instance_info');
    expect(await b.text()).toContain('cf_app_instance_info');
  }, 60_000);

  it('shrinks the text answer for 20 instances × 2000 series (measured, printed)', async () => {
    const fullBody = await (await get(full, '')).text();
    const infoBody = await (await get(full, '?labels=info')).text();
    const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
    const gz = (s: string): number => gzipSync(s, { level: 6 }).length;
    const ratio = bytes(fullBody) / bytes(infoBody);
    const gzRatio = gz(fullBody) / gz(infoBody);
    process.stdout.write(
      `info-mode size, ${INSTANCES} instances × ${SERIES_PER_INSTANCE} series, text 0.0.4: ` +
        `full ${bytes(fullBody)} B, info ${bytes(infoBody)} B, ratio ${ratio.toFixed(2)}; ` +
        `gzip -6: full ${gz(fullBody)} B, info ${gz(infoBody)} B, ratio ${gzRatio.toFixed(2)}\n`,
    );
    expect(seriesLines(fullBody).length + INSTANCES).toBe(seriesLines(infoBody).length);
    expect(ratio).toBeGreaterThan(2);
  }, 60_000);
});
