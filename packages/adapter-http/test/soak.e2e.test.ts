/**
 * Issue 9 §4 (load and soak): 10,000 requests from 16 concurrent keep-alive clients through the real server
 * (the built bin in a child process, see kit/soak-harness.ts) against a simulated foundation of 2 apps × 4
 * instances × ~100 series, one instance of `alpha` answering 500. Every answer is 200 and shows exactly the
 * failure that instance causes; nothing else fails; the server's RSS and heap after the last thousand requests
 * are within a tolerance of their values after the first thousand; its sockets and timers come back to their
 * baseline once the clients have gone and the idle upstream connections have timed out. Its timers are
 * counted by an async hook in the harness (refed or not), so a leaked unref'd timer shows too.
 */
import { parseExposition } from '@promfetcher/core';
import { startFoundation } from '../src/simulator/index.js';
import type { Foundation } from '../src/simulator/index.js';
import { waitUntil } from './kit/main-process.js';
import { runSoakPhase, soakAgent } from './kit/soak-load.js';
import type { SoakAnswer, SoakPhase, SoakRequest } from './kit/soak-load.js';
import { startSoakServer } from './kit/soak-server.js';
import type { SoakMeasurement, SoakServer } from './kit/soak-server.js';

const REQUESTS = 10_000;
const CLIENTS = 16;
const INSTANCES = 4;
const FAILING_INDEX = 3;
/** ~100 series per instance: 34 realistic base series plus filler. */
const EXTRA_SERIES = 66;
/** Idle upstream keep-alive sockets close after this (config `idle_conn_timeout`). */
const IDLE_CONN_TIMEOUT_S = 2;
/** Each scrape's deadline timer lives this long (config `max_scrape_timeout`). */
const MAX_SCRAPE_TIMEOUT_S = 5;
const SETTLE_BOUND_MS = (MAX_SCRAPE_TIMEOUT_S + IDLE_CONN_TIMEOUT_S + 5) * 1_000;
/** Every answer of this request number (and its multiples) is parsed fully with the core parser. */
const FULL_PARSE_EVERY = 50;

// Tolerances (growth between the measurement after the first and after the last thousand requests). Both are
// taken with the load paused, after two full GCs, once every per-scrape deadline timer has run out (see
// `settled`): taken at once instead, RSS alone swung by ±70 MB between runs without any leak (allocator
// arenas, zlib state); settled, it moved by less than 5 MB. The heap and external memory after GC are the
// sharp checks: a leak of only 100 bytes per request would grow them by 0.9 MB over the 9,000 requests in
// between. (Before the fix in got-target-scraper.ts, every scrape leaked: +830 MB RSS, +413 MB heap.)
const RSS_TOLERANCE_MB = 25;
const HEAP_TOLERANCE_MB = 4;
/** Sockets and timers may differ from the baseline by a gorouter poll in flight. */
const SOCKET_ALLOWANCE = 2;
/**
 * The upstream keep-alive pool may hold a few more idle sockets after the last thousand than after the first
 * (the server may also have closed our idle connections while `settled` waited: both states alike).
 */
const POOL_ALLOWANCE = 8;
const TIMER_ALLOWANCE = 2;

const MB = 1024 * 1024;
const TEXT = 'text/plain;version=0.0.4';
const OPENMETRICS = 'application/openmetrics-text;version=1.0.0';
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
  'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

let foundation: Foundation;
let server: SoakServer | undefined;

beforeAll(async () => {
  foundation = await startFoundation({
    apps: [
      {
        org: 'soak',
        space: 'prod',
        name: 'alpha',
        instances: Array.from({ length: INSTANCES }, (_, i) =>
          i === FAILING_INDEX ? { behaviour: 'failing' as const } : {},
        ),
        extraSeries: EXTRA_SERIES,
      },
      {
        org: 'soak',
        space: 'prod',
        name: 'beta',
        instances: INSTANCES,
        extraSeries: EXTRA_SERIES,
        gzip: true,
      },
    ],
  });
});

afterAll(async () => {
  await server?.stop(5_000);
  await foundation.stop();
});

function config(): string {
  const g = foundation.gorouter;
  return [
    `gorouters: [{host: 127.0.0.1, port: ${g.port}, user: ${g.user}, pass: ${g.pass}}]`,
    // Short, so that the poller's timer and connection churn during the soak too.
    'gorouter_poll_interval: 2s',
    'listen_host: 127.0.0.1',
    'port: 0',
    'health_check_port: 0',
    'broker: {enable: false}',
    `max_scrape_timeout: ${MAX_SCRAPE_TIMEOUT_S}s`,
    `idle_conn_timeout: ${IDLE_CONN_TIMEOUT_S}s`,
    'data_dir: $DATA_DIR',
  ].join('\n');
}

type AppName = 'alpha' | 'beta';

interface Variant {
  readonly app: AppName;
  /** The path, given the request number (per-instance paths rotate over the instances). */
  path(i: number): string;
  readonly headers: Readonly<Record<string, string>>;
  readonly openMetrics: boolean;
  /** One instance only (the per-instance route). */
  readonly single: boolean;
}

/** Eight kinds of request, in turn: names, GUID, route, v1/v2, both formats, gzip, per instance, info labels. */
function variants(): readonly Variant[] {
  const alpha = foundation.app('soak', 'prod', 'alpha');
  const beta = foundation.app('soak', 'prod', 'beta');
  const fixed = (path: string) => () => path;
  return [
    {
      app: 'alpha',
      path: fixed('/v1/apps/soak/prod/alpha/metrics'),
      headers: { accept: TEXT },
      openMetrics: false,
      single: false,
    },
    {
      app: 'beta',
      path: fixed(`/v2/apps/${beta.guid}/metrics`),
      headers: { accept: OPENMETRICS },
      openMetrics: true,
      single: false,
    },
    {
      app: 'alpha',
      path: fixed(`/v1/apps/${alpha.routes[0]}/metrics`),
      headers: {
        accept: PROMETHEUS_ACCEPT,
        'accept-encoding': 'gzip',
        'x-prometheus-scrape-timeout-seconds': '10',
      },
      openMetrics: true,
      single: false,
    },
    {
      app: 'beta',
      path: fixed('/v1/apps/soak/prod/beta/only-app-metrics'),
      headers: { accept: TEXT },
      openMetrics: false,
      single: false,
    },
    {
      app: 'beta',
      path: (i) => `/v1/apps/soak/prod/beta/instances/${Math.floor(i / 8) % INSTANCES}/metrics`,
      headers: { accept: TEXT },
      openMetrics: false,
      single: true,
    },
    {
      app: 'alpha',
      path: fixed(`/v2/apps/${alpha.guid}/metrics`),
      headers: { accept: OPENMETRICS, 'accept-encoding': 'gzip' },
      openMetrics: true,
      single: false,
    },
    {
      app: 'beta',
      path: fixed(`/v1/apps/${beta.routes[0]}/metrics`),
      headers: { accept: TEXT, 'accept-encoding': 'gzip' },
      openMetrics: false,
      single: false,
    },
    {
      app: 'alpha',
      path: fixed('/v1/apps/soak/prod/alpha/metrics?labels=info'),
      headers: { accept: TEXT },
      openMetrics: false,
      single: false,
    },
  ];
}

/** The lines of `body` that start with `prefix` (a cheap scan, no parsing). */
function linesStartingWith(body: string, prefix: string): string[] {
  const found: string[] = [];
  let at = body.startsWith(prefix) ? 0 : body.indexOf(`\n${prefix}`);
  while (at >= 0) {
    const start = body[at] === '\n' ? at + 1 : at;
    const end = body.indexOf('\n', start);
    found.push(body.slice(start, end < 0 ? body.length : end));
    at = end < 0 ? -1 : body.indexOf(`\n${prefix}`, end);
  }
  return found;
}

/** Every answer: status, format, and exactly the failures the failing instance causes (cheap checks). */
function checkAnswer(variant: Variant, answer: SoakAnswer, i: number): string | undefined {
  if (answer.status !== 200) return `${variant.app}: status ${answer.status}`;
  const om = answer.contentType.startsWith('application/openmetrics-text');
  if (om !== variant.openMetrics) return `${variant.app}: content-type ${answer.contentType}`;
  if (om && !answer.body.endsWith('# EOF\n')) return `${variant.app}: OpenMetrics answer without # EOF`;
  const expectGzip = variant.headers['accept-encoding'] === 'gzip';
  if ((answer.contentEncoding === 'gzip') !== expectGzip)
    return `${variant.app}: encoding "${answer.contentEncoding}"`;

  const up = linesStartingWith(answer.body, 'promfetcher_instance_up{');
  const errors = linesStartingWith(answer.body, 'promfetcher_scrape_error{');
  const failing = variant.app === 'alpha' && !variant.single;
  const expectedUp = variant.single ? 1 : INSTANCES;
  if (up.length !== expectedUp) return `${variant.app}: ${up.length} promfetcher_instance_up series`;
  const down = up.filter((line) => line.endsWith(' 0'));
  if (down.length !== (failing ? 1 : 0)) return `${variant.app}: ${down.length} instances down`;
  if (!failing) return errors.length === 0 ? undefined : `${variant.app}: unexpected ${errors[0]}`;
  const [error] = errors;
  if (errors.length !== 1 || error === undefined) return `${variant.app}: ${errors.length} scrape errors`;
  if (
    !error.includes(`index="${FAILING_INDEX}"`) ||
    !error.includes('reason="status_5xx"') ||
    !error.endsWith(' 1')
  ) {
    return `${variant.app}: wrong scrape error ${error}`;
  }
  if (!down[0]?.includes(`index="${FAILING_INDEX}"`)) return `${variant.app}: wrong instance down ${down[0]}`;
  return i % FULL_PARSE_EVERY === 0 ? checkParsed(variant, answer) : undefined;
}

/** A sample of the answers: parsed with the core parser; the app's own series come from every live instance. */
function checkParsed(variant: Variant, answer: SoakAnswer): string | undefined {
  const parsed = parseExposition(answer.body, answer.contentType);
  if (!parsed.ok) return `${variant.app}: does not parse: ${parsed.error.message}`;
  const indexes = new Set<string>();
  let samples = 0;
  for (const family of parsed.value.families) {
    for (const sample of family.samples) {
      samples++;
      if (sample.name !== 'http_requests_total') continue;
      const index = sample.labels.find((l) => l.name === 'index')?.value;
      if (index !== undefined) indexes.add(index);
    }
  }
  const live = variant.single ? 1 : variant.app === 'alpha' ? INSTANCES - 1 : INSTANCES;
  if (indexes.size !== live) return `${variant.app}: http_requests_total from ${indexes.size} instances`;
  if (samples < live * (EXTRA_SERIES + 30)) return `${variant.app}: only ${samples} samples`;
  return undefined;
}

/**
 * A measurement with the load paused, once the per-scrape deadline timers (`max_scrape_timeout`) have run
 * out, so that measurements are taken in the same state; with `sockets`, also once the idle upstream sockets
 * have closed. Bounded: returns the last measurement after `SETTLE_BOUND_MS` (the assertions then fail).
 */
async function settled(
  soak: SoakServer,
  baseline: SoakMeasurement,
  sockets = false,
): Promise<SoakMeasurement> {
  const until = performance.now() + SETTLE_BOUND_MS;
  for (;;) {
    const m = await soak.measure();
    const timersDone = m.liveTimers <= baseline.liveTimers + TIMER_ALLOWANCE;
    const socketsDone = !sockets || m.sockets <= baseline.sockets + SOCKET_ALLOWANCE;
    if ((timersDone && socketsDone) || performance.now() > until) return m;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

function figures(label: string, m: SoakMeasurement): string {
  const refedTimers = m.resources['Timeout'] ?? 0;
  return (
    `${label}: rss ${mb(m.rssBytes)} MB, heap ${mb(m.heapUsedBytes)}/${mb(m.heapTotalBytes)} MB, external ${mb(m.externalBytes)} MB, ` +
    `fds ${m.fds} (sockets ${m.sockets}), TCPSocketWrap ${m.resources['TCPSocketWrap'] ?? 0}, ` +
    `timers ${m.liveTimers} (refed ${refedTimers})`
  );
}

describe('soak: 10,000 requests, 16 keep-alive clients, built server in a child process', () => {
  it('answers every request correctly; no growth of memory, sockets or timers', async () => {
    const soak = await startSoakServer(config());
    server = soak;
    await waitUntil(
      async () => (await fetch(soak.healthUrl)).status === 200,
      'health 200 (routes loaded)',
      600,
    );
    const baseline = await soak.measure();
    expect(baseline.gcExposed).toBe(true);

    const kinds = variants();
    const plan = (i: number): SoakRequest => {
      const variant = kinds[i % kinds.length]!;
      return { path: variant.path(i), headers: variant.headers };
    };
    const check = (i: number, answer: SoakAnswer): string | undefined =>
      checkAnswer(kinds[i % kinds.length]!, answer, i);
    const agent = soakAgent(CLIENTS);
    const phase = (from: number, to: number): Promise<SoakPhase> =>
      runSoakPhase({ base: soak.url, agent, clients: CLIENTS, from, to, plan, check, timeoutMs: 15_000 });

    let first: SoakPhase;
    let middle: SoakPhase;
    let last: SoakPhase;
    let afterFirst: SoakMeasurement;
    let afterLast: SoakMeasurement;
    try {
      first = await phase(0, 1_000);
      afterFirst = await settled(soak, baseline);
      middle = await phase(1_000, REQUESTS - 1_000);
      last = await phase(REQUESTS - 1_000, REQUESTS);
      afterLast = await settled(soak, baseline);
    } finally {
      agent.destroy();
    }
    // The sockets of our clients are gone; the idle upstream sockets close after idle_conn_timeout.
    const final = await settled(soak, baseline, true);

    const elapsedMs = first.elapsedMs + middle.elapsedMs + last.elapsedMs;
    process.stdout.write(
      [
        `soak: ${REQUESTS} requests, ${CLIENTS} clients, ${(REQUESTS / (elapsedMs / 1000)).toFixed(0)} req/s ` +
          `(${(elapsedMs / 1000).toFixed(1)} s; first 1000 at ${(1_000 / (first.elapsedMs / 1000)).toFixed(0)} req/s, ` +
          `last 1000 at ${(1_000 / (last.elapsedMs / 1000)).toFixed(0)} req/s)`,
        figures('  baseline        ', baseline),
        figures('  after first 1000', afterFirst),
        figures('  after last 1000 ', afterLast),
        figures('  clients gone    ', final),
        `  growth first→last 1000: rss ${mb(afterLast.rssBytes - afterFirst.rssBytes)} MB ` +
          `(tolerance ${RSS_TOLERANCE_MB}), heap ${mb(afterLast.heapUsedBytes - afterFirst.heapUsedBytes)} MB ` +
          `(tolerance ${HEAP_TOLERANCE_MB}), external ${mb(afterLast.externalBytes - afterFirst.externalBytes)} MB ` +
          `(tolerance ${HEAP_TOLERANCE_MB})`,
        '',
      ].join('\n'),
    );

    // Every request answered, every answer right; no error the failing instance did not cause.
    expect({ ...first.failures, ...middle.failures, ...last.failures }).toEqual({});
    expect(first.answers + middle.answers + last.answers).toBe(REQUESTS);
    const failingServer = foundation.app('soak', 'prod', 'alpha').instances[FAILING_INDEX]?.server;
    expect(failingServer?.requests).toBeGreaterThan(0);

    // No growth between the first and the last thousand.
    expect(afterLast.rssBytes - afterFirst.rssBytes).toBeLessThan(RSS_TOLERANCE_MB * MB);
    expect(afterLast.heapUsedBytes - afterFirst.heapUsedBytes).toBeLessThan(HEAP_TOLERANCE_MB * MB);
    expect(afterLast.sockets).toBeLessThanOrEqual(afterFirst.sockets + POOL_ALLOWANCE);
    expect(afterLast.externalBytes - afterFirst.externalBytes).toBeLessThan(HEAP_TOLERANCE_MB * MB);
    // Back to the baseline once the load has stopped: no leaked sockets, no leaked timers.
    expect(final.sockets).toBeLessThanOrEqual(baseline.sockets + SOCKET_ALLOWANCE);
    expect(final.resources['TCPSocketWrap'] ?? 0).toBeLessThanOrEqual(
      (baseline.resources['TCPSocketWrap'] ?? 0) + SOCKET_ALLOWANCE,
    );
    expect(final.liveTimers).toBeLessThanOrEqual(baseline.liveTimers + TIMER_ALLOWANCE);
    expect(final.resources['Timeout'] ?? 0).toBeLessThanOrEqual(
      (baseline.resources['Timeout'] ?? 0) + TIMER_ALLOWANCE,
    );

    // The server saw every request and logged nothing above info while doing so.
    await waitUntil(
      async () => soak.logs().filter((l) => l['msg'] === 'request').length >= REQUESTS,
      'an access log line for every request',
    );
    const requestLogs = soak.logs().filter((l) => l['msg'] === 'request');
    expect(requestLogs.filter((l) => l['status'] !== 200)).toEqual([]);
    expect(requestLogs).toHaveLength(REQUESTS);
    expect(soak.logs().filter((l) => l['level'] !== 'info')).toEqual([]);

    // And it still stops cleanly.
    server = undefined;
    expect(await soak.stop()).toEqual({ code: 0, signal: null });
    expect(soak.stderr()).toBe('');
  }, 120_000);
});
