/**
 * The deployment artefacts in `deploy/` (issue 6 item 3), checked against the real code: the config loader
 * accepts the configs, promtool accepts the Prometheus files, and every metric named in the dashboard and the
 * alert rules is one that `PromTelemetry` really registers (read from its registry, not from a list).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLAN_NAME, SERVICE_NAME } from '@promfetcher/adapter-broker';
import { parse as parseYaml } from 'yaml';
import { ENV_OVERRIDES } from '../src/main/config/env-overrides.js';
import { loadConfig } from '../src/main/config/load-config.js';
import type { Config } from '../src/main/config/config-schema.js';
import { PromTelemetry } from '../src/telemetry/prom-telemetry.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const PROMTOOL = '/usr/bin/promtool';

const read = (relative: string): string => readFileSync(join(DEPLOY, relative), 'utf8');

async function mustLoad(file: string, env: Record<string, string>): Promise<Config> {
  const result = await loadConfig(file, env);
  if (!result.ok) throw new Error(`${file} refused:\n${result.error.map((e) => e.message).join('\n')}`);
  return result.value;
}

// --- metric names: what the server exports, and what a PromQL expression names ---

/** Every series name the server's registry exposes (histograms and summaries with their suffixes). */
async function exportedMetricNames(): Promise<ReadonlySet<string>> {
  const telemetry = new PromTelemetry();
  const names = new Set<string>();
  for (const metric of await telemetry.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    }
    if (String(metric.type) === 'summary') {
      for (const suffix of ['_sum', '_count']) names.add(metric.name + suffix);
    }
  }
  return names;
}

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names in a PromQL expression (or a Grafana `label_values(metric, label)` query): identifiers
 * left once strings, Grafana variables, range selectors, label matchers and grouping clauses are removed,
 * minus function calls and keywords.
 */
function metricNamesIn(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][\w:]*)\s*,/.exec(expr);
  if (labelValues?.[1] !== undefined) return [labelValues[1]];
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (name === undefined || call !== undefined || PROMQL_KEYWORDS.has(name.toLowerCase())) continue;
    names.push(name);
  }
  return names;
}

function unknownNames(exprs: readonly string[], exported: ReadonlySet<string>): string[] {
  return exprs.flatMap((expr) =>
    metricNamesIn(expr)
      .filter((name) => !exported.has(name))
      .map((name) => `${name} (in ${expr.trim()})`),
  );
}

function runPromtool(args: readonly string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('metric name extraction (the check below can fail)', () => {
  it('keeps metric names, drops functions, labels, keywords, variables and durations', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{instance=~"$instance", x!="ok"}[$__rate_interval]))) / on(instance) group_left b_total offset 5m > bool 1e3',
      ),
    ).toEqual(['a_bucket', 'b_total']);
    expect(metricNamesIn('label_values(promfetch_latest_time_scrape_route, instance)')).toEqual([
      'promfetch_latest_time_scrape_route',
    ]);
  });

  it('reports a metric the server does not export', async () => {
    const exported = await exportedMetricNames();
    expect(unknownNames(['rate(promfetch_no_such_metric_total[5m])'], exported)).toHaveLength(1);
    expect(unknownNames(['rate(promfetcher_http_request_duration_seconds_count[5m])'], exported)).toEqual([]);
    expect(exported.has('process_cpu_seconds_total')).toBe(true);
  });
});

describe('deploy/bosh/config.example.yml (promfetcher-release keys, spec §4)', () => {
  const file = join(DEPLOY, 'bosh/config.example.yml');

  it('is accepted by the config loader', async () => {
    const config = await mustLoad(file, {});
    expect(config.nats?.hosts).toEqual([
      { hostname: '10.0.0.11', port: 4224 },
      { hostname: '10.0.0.12', port: 4224 },
    ]);
    expect(config.nats?.tls_enabled).toBe(true);
    expect(config.gorouters).toEqual([]);
    expect(config.port).toBe(443);
    expect(config.health_check_port).toBe(8080);
    expect(config.enable_ssl).toBe(true);
    expect(config.tls_pem?.cert_chain).toContain('-----BEGIN CERTIFICATE-----');
    expect(config.base_url).toBe('https://promfetcher.sys.example.com');
    expect(config.idle_conn_timeout).toBe(30_000);
    expect(config.sql_cnx_max_life).toBe(3_600_000);
    expect(config.droplet_stale_threshold).toBe(120_000);
    expect(config.broker.user).toBe('promfetcher-broker');
    expect(config.external_exporters.map((e) => e.name)).toEqual(['logs']);
  });

  it('has every key of the rendered example', () => {
    const keys = Object.keys(parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>).sort();
    expect(keys).toEqual(
      [
        'nats',
        'start_response_delay_interval',
        'droplet_stale_threshold',
        'backends',
        'tls_pem',
        'ca_certs',
        'skip_ssl_validation',
        'enable_ssl',
        'base_url',
        'port',
        'health_check_port',
        'logging',
        'db_conn',
        'sql_cnx_max_idle',
        'sql_cnx_max_open',
        'sql_cnx_max_life',
        'disable_keep_alives',
        'max_idle_conns',
        'max_idle_conns_per_host',
        'idle_conn_timeout',
        'broker',
        'external_exporters',
      ].sort(),
    );
  });

  it('holds placeholders, never a real secret', async () => {
    const config = await mustLoad(file, {});
    const secrets = [
      config.nats?.pass,
      config.nats?.ca_certs,
      config.nats?.cert_chain,
      config.nats?.private_key,
      config.backends.cert_chain,
      config.backends.private_key,
      config.ca_certs,
      config.tls_pem?.cert_chain,
      config.tls_pem?.private_key,
      config.db_conn,
      config.broker.pass,
    ];
    for (const secret of secrets) expect(secret).toMatch(/CHANGE-ME/);
  });
});

describe('deploy/cf (cf push manifest and its config)', () => {
  const vars = parseYaml(read('cf/vars.example.yml')) as Record<string, string | number>;
  const manifestText = read('cf/manifest.yml');
  const used = [...manifestText.matchAll(/\(\(([\w-]+)\)\)/g)].map((m) => m[1] ?? '');
  const manifest = parseYaml(
    manifestText.replace(/\(\(([\w-]+)\)\)/g, (_, name: string) => String(vars[name] ?? `((${name}))`)),
  ) as { applications: Record<string, unknown>[] };
  const app = manifest.applications[0] ?? {};
  const env = app['env'] as Record<string, string>;

  it('defines every manifest variable in vars.example.yml, and uses each one', () => {
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !(name in vars))).toEqual([]);
    expect(Object.keys(vars).filter((name) => !used.includes(name))).toEqual([]);
  });

  it('runs the built bin with the Node buildpack, --config and the port from $PORT', () => {
    expect(manifest.applications).toHaveLength(1);
    expect(app['buildpacks']).toEqual(['nodejs_buildpack']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'packages/adapter-http/package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const bin = (pkg.bin['promfetcher'] ?? '').replace(/^\.\//, '');
    expect(app['command']).toBe(`PROMFETCHER_PORT=$PORT node ${bin} --config config.yml`);
    expect(read('README.md')).toContain('cp deploy/cf/config.yml deploy/cf/app/config.yml');
    expect(app['path']).toBe('app');
  });

  it('health-checks /metrics over http on the app port', () => {
    expect(app['health-check-type']).toBe('http');
    expect(app['health-check-http-endpoint']).toBe('/metrics');
  });

  it('sets only PROMFETCHER_* variables that the loader knows', () => {
    const names = Object.keys(env).filter((name) => name.startsWith('PROMFETCHER_'));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => ENV_OVERRIDES[name] === undefined)).toEqual([]);
  });

  it.each([8080, 61001])('config.yml loads with the manifest env and PORT=%i', async (port) => {
    const config = await mustLoad(join(DEPLOY, 'cf/config.yml'), {
      ...env,
      PROMFETCHER_PORT: String(port),
    });
    expect(config.port).toBe(port);
    expect(config.health_check_port).not.toBe(port);
    expect(config.enable_ssl).toBe(false);
    expect(config.nats?.hosts).toEqual([
      { hostname: '10.0.0.11', port: 4222 },
      { hostname: '10.0.0.12', port: 4222 },
    ]);
    expect(config.nats?.pass).toBe(vars['nats_password']);
    expect(config.broker.enable).toBe(true);
    expect(config.broker.user).toBe(vars['broker_user']);
    expect(config.broker.pass).toBe(vars['broker_password']);
    expect(config.db_conn).toBe(vars['db_conn']);
    expect(config.base_url).toBe(`https://promfetcher.${String(vars['apps_domain'])}`);
  });

  it('the README registers the broker and binds with the real service and plan names', () => {
    const readme = read('README.md');
    expect(readme).toContain(
      'cf create-service-broker promfetcher <broker_user> <broker_password> https://promfetcher.<apps domain>/broker',
    );
    expect(readme).toContain(`cf enable-service-access ${SERVICE_NAME}`);
    expect(readme).toContain(`cf create-service ${SERVICE_NAME} ${PLAN_NAME} `);
    expect(readme).toContain(`cf bind-service app my-promfetcher -c '{"endpoint":"/actuator/prometheus"}'`);
  });
});

describe('deploy/prometheus', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'promfetcher-deploy-'));
    for (const name of ['promfetcher-apps.yml', 'alerts.yml']) {
      copyFileSync(join(DEPLOY, 'prometheus', name), join(dir, name));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('promtool check config accepts promfetcher-apps.yml (with its rule file)', () => {
    const run = runPromtool(['check', 'config', 'promfetcher-apps.yml'], dir);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('promtool check config refuses a broken copy (the check is real)', () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken, { recursive: true });
    copyFileSync(join(dir, 'alerts.yml'), join(broken, 'alerts.yml'));
    const text = read('prometheus/promfetcher-apps.yml').replace('honor_labels: true', 'honor_labels: maybe');
    writeFileSync(join(broken, 'promfetcher-apps.yml'), text);
    expect(runPromtool(['check', 'config', 'promfetcher-apps.yml'], broken).status).not.toBe(0);
  });

  it('has one merged-endpoint job per app, an http_sd job and the own-metrics job', () => {
    type Job = {
      job_name: string;
      scheme?: string;
      metrics_path?: string;
      honor_labels?: boolean;
      http_sd_configs?: { url: string }[];
    };
    const config = parseYaml(read('prometheus/promfetcher-apps.yml')) as { scrape_configs: Job[] };
    const jobs = config.scrape_configs;
    const appJobs = jobs.filter((j) => j.metrics_path?.startsWith('/v1/apps/'));
    expect(appJobs.length).toBeGreaterThanOrEqual(2);
    for (const job of appJobs) {
      expect(job.metrics_path).toMatch(/^\/v1\/apps\/[^/]+\/[^/]+\/[^/]+\/metrics$/);
      expect(job.scheme).toBe('https');
      expect(job.honor_labels).toBe(true);
    }
    const sd = jobs.filter((j) => j.http_sd_configs !== undefined);
    expect(sd).toHaveLength(1);
    expect(sd[0]?.http_sd_configs?.[0]?.url).toMatch(/^https:\/\/[^/]+\/v1\/discovery\/apps(\?|$)/);
    expect(sd[0]?.honor_labels).toBe(true);
    expect(jobs.filter((j) => j.metrics_path === '/metrics').map((j) => j.job_name)).toEqual(['promfetcher']);
  });

  it('promtool check rules accepts alerts.yml', () => {
    const run = runPromtool(['check', 'rules', 'alerts.yml'], dir);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('alerts.yml has its alerts and names only metrics the server exports', async () => {
    const rules = parseYaml(read('prometheus/alerts.yml')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'PromfetcherRouteTableStale',
        'PromfetcherRouteSourceStale',
        'PromfetcherRouteScrapesFailing',
        'PromfetcherInstanceScrapeFailuresHigh',
        'PromfetcherMergeDroppingSamples',
      ]),
    );
    for (const rule of all) expect(metricNamesIn(rule.expr).length).toBeGreaterThan(0);
    expect(
      unknownNames(
        all.map((r) => r.expr),
        await exportedMetricNames(),
      ),
    ).toEqual([]);
  });
});

describe('deploy/grafana/promfetcher-dashboard.json', () => {
  type Panel = {
    id?: number;
    type: string;
    gridPos?: unknown;
    panels?: Panel[];
    targets?: { expr?: string }[];
  };
  const dashboard = JSON.parse(read('grafana/promfetcher-dashboard.json')) as {
    uid: string;
    title: string;
    panels: Panel[];
    templating: { list: { name: string; definition?: string; query?: unknown }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const exprs = [
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
    ...dashboard.templating.list.flatMap((v) => (v.definition === undefined ? [] : [v.definition])),
  ];

  it('is a dashboard with unique panel ids, each placed on the grid', () => {
    expect(dashboard.uid).toBeTruthy();
    expect(dashboard.title).toBe('promfetcher');
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) expect(panel.gridPos).toBeDefined();
    expect(exprs.every((e) => e.trim() !== '')).toBe(true);
  });

  it('names only metrics the server exports, at least one in every query', async () => {
    for (const expr of exprs) expect(metricNamesIn(expr).length).toBeGreaterThan(0);
    expect(unknownNames(exprs, await exportedMetricNames())).toEqual([]);
  });

  it('covers requests, instance scrapes, the route table, merge drops and the process', () => {
    const named = new Set(exprs.flatMap(metricNamesIn));
    for (const name of [
      'promfetcher_http_request_duration_seconds_count',
      'promfetcher_http_request_duration_seconds_bucket',
      'promfetcher_target_scrape_duration_seconds_bucket',
      'promfetcher_target_scrape_duration_seconds_count',
      'promfetch_latest_time_scrape_route',
      'promfetch_scrape_route_failed_total',
      'promfetcher_merge_dropped_samples_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(named).toContain(name);
    }
  });
});
