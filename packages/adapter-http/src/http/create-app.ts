/**
 * The Koa app of the main listener (spec §3.3), GET only on the app routes (405 otherwise):
 * - `/v1|v2/apps/{id}/metrics` (`{id}` may contain `/`: org/space/app, app GUID or route with path),
 *   `/v1|v2/apps/metrics?app=…|route_url=…`, and the `only-app-metrics` variants (no external exporters);
 *   query `metric_path`, and `only_from_app` (its presence alone). `/v2` is an alias of `/v1`: promfetcher
 *   always asks instances for OpenMetrics first and parses both formats.
 * - `/v1|v2/apps/{org}/{space}/{app}/instances/{index}/metrics`: one instance only (no exporters).
 * - `/v1/discovery/apps`, `/v1/discovery/instances`: http_sd target lists (discovery.ts).
 * - Optional `inboundAuth` on the app and discovery routes (inbound-auth.ts), `singleFlight` on the fan-outs
 *   (single-flight.ts, on by default); a request carrying `X-Promfetcher-Scrapping: true` is a loop (508).
 * - Query `labels=info|full` on the app routes (default: option `cfLabels`, config `cf_labels`): info-metric
 *   mode (core's info-labels.ts); any other value is a 400.
 * - `/metrics` (any method): promfetcher's own metrics.
 * - `/routes`: the route table as JSON, behind basic auth (401 when no credentials are configured).
 * - `/doc`: the page for app teams.
 * - `/broker/...`: the optional broker middleware (built by the composition root with prefix `/broker`).
 * Every request gets a request id (`X-Request-Id`, the caller's when well-formed), an access log line and
 * an observation in `promfetcher_http_request_duration_seconds`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Router from '@koa/router';
import {
  discoverApps,
  negotiateFormat,
  parseDiscoveryFilter,
  parseAppQuery,
  parseAppRef,
  parseLabelMode,
  loggableUrl,
  BadRequestError,
  PromfetcherError,
  type AppRef,
  type LabelMode,
  type Logger,
  type Result,
  type RouteLookup,
} from '@promfetcher/core';
import Koa, { type Context, type Middleware } from 'koa';
import {
  DEFAULT_COMPRESSION_LEVEL,
  DEFAULT_MAX_SCRAPE_TIMEOUT_MS,
  DEFAULT_SINGLE_FLIGHT,
} from '../defaults.js';
import type { HttpTelemetry } from '../telemetry/prom-telemetry.js';
import { checkBasicAuth, type BasicCredentials } from './basic-auth.js';
import { loggableRequestUrl } from './loggable-url.js';
import { sendCompressed } from './compress.js';
import { appTargets, discoveryBase, instanceTargets } from './discovery.js';
import { docPage } from './doc-page.js';
import { ERROR_STATUS, errorBody } from './error-status.js';
import { forwardHeaders } from './forward-headers.js';
import { InboundAuth, type InboundAuthOptions } from './inbound-auth.js';
import { routesDump } from './routes-dump.js';
import { scrapeDeadlineMs } from './scrape-deadline.js';
import type { MetricsFetcher } from './metrics-fetcher.js';
import { SingleFlightFetcher } from './single-flight.js';

export type { MetricsFetcher } from './metrics-fetcher.js';

export interface AppOptions {
  /** `base_url`: the server's public URL, used by `/doc` ('' → relative links). */
  readonly baseUrl: string;
  /** `max_scrape_timeout`: the fan-out deadline without a caller timeout, and its cap with one. */
  readonly maxScrapeTimeoutMs: number;
  /** `routes_auth`: credentials of `/routes`; absent → `/routes` always answers 401. */
  readonly routesAuth?: BasicCredentials;
  readonly compressionLevel: number;
  /** `single_flight`: concurrent identical fan-outs are shared (single-flight.ts). Default true. */
  readonly singleFlight: boolean;
  /** `inbound_auth`: users and/or networks allowed on the app and discovery routes; absent → open. */
  readonly inboundAuth?: InboundAuthOptions;
  /** `cf_labels`: the label mode when the query has no `labels`. Default `full`. */
  readonly cfLabels: LabelMode;
}

export const DEFAULT_APP_OPTIONS: AppOptions = Object.freeze({
  baseUrl: '',
  maxScrapeTimeoutMs: DEFAULT_MAX_SCRAPE_TIMEOUT_MS,
  compressionLevel: DEFAULT_COMPRESSION_LEVEL,
  singleFlight: DEFAULT_SINGLE_FLIGHT,
  cfLabels: 'full',
});

export interface AppDeps {
  readonly fetcher: MetricsFetcher;
  readonly routes: RouteLookup;
  readonly telemetry: HttpTelemetry;
  readonly logger: Logger;
  readonly options?: Partial<AppOptions>;
  /** Serves `/broker` and everything under it (sees the full path). */
  readonly broker?: Middleware;
}

interface RequestState {
  reqId: string;
  route?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The loop marker promfetcher puts on its own instance requests (GotTargetScraper's SCRAPING_MARKER_HEADER). */
const SCRAPING_MARKER = 'X-Promfetcher-Scrapping';
const VERSIONS = ['v1', 'v2'] as const;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function stateOf(ctx: Context): RequestState {
  return ctx.state as RequestState;
}

export function createApp(deps: AppDeps): Koa {
  const options: AppOptions = { ...DEFAULT_APP_OPTIONS, ...deps.options };
  const { logger, telemetry } = deps;
  const app = new Koa();
  app.silent = true;
  const fetcher: MetricsFetcher = options.singleFlight
    ? new SingleFlightFetcher({
        inner: deps.fetcher,
        routes: deps.routes,
        observe: (role) => telemetry.singleFlight?.(role),
      })
    : deps.fetcher;
  const auth = options.inboundAuth === undefined ? undefined : new InboundAuth(options.inboundAuth);

  /** Inbound authentication; false when the request was refused (the answer is set). */
  const admitted = (ctx: Context): boolean => {
    if (auth === undefined || !auth.enabled) return true;
    const verdict = auth.check(ctx.get('Authorization') || undefined, ctx.req.socket.remoteAddress);
    if (verdict === 'allowed') return true;
    const status = verdict === 'forbidden' ? 403 : 401;
    telemetry.inboundRefused?.(status);
    logger.debug({ reqId: stateOf(ctx).reqId, status }, 'inbound authentication refused');
    ctx.status = status;
    ctx.type = 'text/plain; charset=utf-8';
    if (status === 401) {
      ctx.set('WWW-Authenticate', 'Basic realm="promfetcher", charset="UTF-8"');
      ctx.body = '401 credentials required\n';
    } else {
      ctx.body = '403 client network not allowed\n';
    }
    return false;
  };

  /** An error answer: the status from the code table; 5xx details only in the log. */
  const sendError = (ctx: Context, error: unknown): void => {
    const { reqId } = stateOf(ctx);
    let status = 500;
    let message = 'internal error';
    if (PromfetcherError.is(error)) {
      status = ERROR_STATUS[error.code];
      message = error.message;
    } else if (isExposedHttpError(error)) {
      status = error.status;
      message = error.message;
    }
    if (status >= 500) logger.error({ reqId, err: error }, 'request failed');
    else logger.debug({ reqId, status, reason: message }, 'request refused');
    ctx.status = status;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = errorBody(status, message);
  };

  // Request id, access log, duration histogram, and the last-resort error handler.
  app.use(async (ctx, next) => {
    const started = performance.now();
    const incoming = ctx.get('X-Request-Id');
    const reqId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    stateOf(ctx).reqId = reqId;
    ctx.set('X-Request-Id', reqId);
    try {
      await next();
    } catch (error) {
      sendError(ctx, error);
    }
    const seconds = (performance.now() - started) / 1000;
    const route = stateOf(ctx).route ?? (ctx.status === 404 ? 'unmatched' : 'other');
    telemetry.requestObserved(route, ctx.method, ctx.status, seconds);
    logger.info(
      {
        reqId,
        method: ctx.method,
        url: loggableRequestUrl(ctx.originalUrl),
        route,
        status: ctx.status,
        durationMs: Math.round(seconds * 1e4) / 10,
        remoteAddress: ctx.req.socket.remoteAddress,
      },
      'request',
    );
  });

  if (deps.broker !== undefined) {
    const broker = deps.broker;
    app.use((ctx, next) => {
      if (ctx.path !== '/broker' && !ctx.path.startsWith('/broker/')) return next();
      stateOf(ctx).route = '/broker';
      return broker(ctx, next);
    });
  }

  const router = new Router();

  const serveMetrics = async (
    ctx: Context,
    id: string | AppRef | undefined,
    forceOnlyApp: boolean,
    instanceIndex?: string,
  ): Promise<void> => {
    if (!admitted(ctx)) return;
    if (ctx.get(SCRAPING_MARKER).toLowerCase() === 'true') {
      // promfetcher scraping itself (an app route pointing back at it): refuse instead of recursing.
      ctx.status = 508;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `508 loop detected: the request carries ${SCRAPING_MARKER}\n`;
      return;
    }
    const ref: Result<AppRef, BadRequestError> =
      typeof id === 'object'
        ? { ok: true, value: id }
        : id !== undefined
          ? parseAppRef(id, 'app')
          : parseAppQuery({ app: first(ctx.query['app']), routeUrl: first(ctx.query['route_url']) });
    if (!ref.ok) {
      sendError(ctx, ref.error);
      return;
    }
    const labelsParam = first(ctx.query['labels']);
    const labelMode = labelsParam === undefined ? options.cfLabels : parseLabelMode(labelsParam);
    if (labelMode === undefined) {
      sendError(ctx, new BadRequestError('labels', 'labels must be info or full'));
      return;
    }
    const abort = new AbortController();
    const onClose = (): void => {
      if (!ctx.res.writableFinished) abort.abort();
    };
    ctx.res.once('close', onClose);
    const metricPath = first(ctx.query['metric_path']);
    const forwarded = forwardHeaders(ctx.req.headers, ctx.req.socket.remoteAddress);
    if (auth?.stripsAuthorization === true) delete forwarded['authorization'];
    const result = await fetcher.execute({
      app: ref.value,
      ...(metricPath === undefined ? {} : { metricPath }),
      ...(instanceIndex === undefined ? {} : { instanceIndex }),
      onlyApp: forceOnlyApp || ctx.query['only_from_app'] !== undefined,
      labelMode,
      format: negotiateFormat(ctx.get('Accept') || undefined),
      forwardHeaders: forwarded,
      timeoutMs: scrapeDeadlineMs(
        ctx.get('X-Prometheus-Scrape-Timeout-Seconds') || undefined,
        options.maxScrapeTimeoutMs,
      ),
      signal: abort.signal,
    });
    if (!result.ok) {
      sendError(ctx, result.error);
      return;
    }
    const failed = result.value.targets.filter((t) => !t.ok);
    if (failed.length > 0) {
      logger.debug(
        {
          reqId: stateOf(ctx).reqId,
          targets: result.value.targets.length,
          failed: failed.map((t) => ({ url: loggableUrl(t.url), reason: t.reason })),
        },
        'some targets failed',
      );
    }
    // The per-instance route answers like the instance: when it failed, a 502 (504 on timeout), so that
    // Prometheus' own `up` of that target is 0; the body still carries the accounting series.
    const instanceFailed = instanceIndex !== undefined && failed.length === result.value.targets.length;
    ctx.status = !instanceFailed ? 200 : failed.every((t) => t.reason === 'timeout') ? 504 : 502;
    ctx.set('Content-Type', result.value.contentType);
    ctx.set('Cache-Control', 'no-store');
    await sendCompressed(ctx, result.value.bytes ?? result.value.body, options.compressionLevel);
  };

  for (const v of VERSIONS) {
    // Before `*id/metrics`, which would read `{org}/{space}/{app}/instances/{index}` as a route.
    const instanceTemplate = `/${v}/apps/{org}/{space}/{app}/instances/{index}/metrics`;
    router.get(`/${v}/apps/:org/:space/:app/instances/:index/metrics`, async (ctx) => {
      stateOf(ctx).route = instanceTemplate;
      const p = ctx.params as Record<string, string>;
      const ref: AppRef = { kind: 'name', org: p['org']!, space: p['space']!, app: p['app']! };
      await serveMetrics(ctx, ref, true, p['index']!);
    });
    const byId = (template: string, forceOnlyApp: boolean) => async (ctx: Context) => {
      stateOf(ctx).route = template;
      await serveMetrics(ctx, String(ctx.params['id']), forceOnlyApp);
    };
    const byQuery = (template: string, forceOnlyApp: boolean) => async (ctx: Context) => {
      stateOf(ctx).route = template;
      await serveMetrics(ctx, undefined, forceOnlyApp);
    };
    router.get(`/${v}/apps/metrics`, byQuery(`/${v}/apps/metrics`, false));
    router.get(`/${v}/apps/only-app-metrics`, byQuery(`/${v}/apps/only-app-metrics`, true));
    router.get(`/${v}/apps/*id/metrics`, byId(`/${v}/apps/{id}/metrics`, false));
    router.get(`/${v}/apps/*id/only-app-metrics`, byId(`/${v}/apps/{id}/only-app-metrics`, true));
  }

  const serveDiscovery = (mode: 'apps' | 'instances') => async (ctx: Context) => {
    stateOf(ctx).route = `/v1/discovery/${mode}`;
    if (!admitted(ctx)) return;
    const filter = parseDiscoveryFilter({
      org: first(ctx.query['org']),
      space: first(ctx.query['space']),
      app: first(ctx.query['app']),
      org_regex: first(ctx.query['org_regex']),
      space_regex: first(ctx.query['space_regex']),
      app_regex: first(ctx.query['app_regex']),
    });
    if (!filter.ok) {
      sendError(ctx, filter.error);
      return;
    }
    const apps = discoverApps(deps.routes.entries(), filter.value);
    const base = discoveryBase(options.baseUrl, ctx.host, ctx.protocol);
    const groups = mode === 'apps' ? appTargets(apps, base) : instanceTargets(apps, base);
    ctx.status = 200;
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    ctx.set('Cache-Control', 'no-store');
    await sendCompressed(ctx, JSON.stringify(groups), options.compressionLevel);
  };
  router.get('/v1/discovery/apps', serveDiscovery('apps'));
  router.get('/v1/discovery/instances', serveDiscovery('instances'));

  router.all('/metrics', async (ctx) => {
    stateOf(ctx).route = '/metrics';
    const own = await telemetry.exposition();
    ctx.status = 200;
    ctx.set('Content-Type', own.contentType);
    await sendCompressed(ctx, own.body, options.compressionLevel);
  });

  router.get('/routes', async (ctx) => {
    stateOf(ctx).route = '/routes';
    if (!checkBasicAuth(ctx.get('Authorization') || undefined, options.routesAuth)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Basic realm="promfetcher", charset="UTF-8"');
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body =
        options.routesAuth === undefined
          ? '401 /routes is disabled: set routes_auth in the config\n'
          : '401 credentials required\n';
      return;
    }
    ctx.status = 200;
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    ctx.set('Cache-Control', 'no-store');
    await sendCompressed(ctx, JSON.stringify(routesDump(deps.routes)), options.compressionLevel);
  });

  const doc = docPage(options.baseUrl);
  router.get('/doc', (ctx) => {
    stateOf(ctx).route = '/doc';
    ctx.status = 200;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = doc;
  });

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

function isExposedHttpError(x: unknown): x is { status: number; message: string } {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as { status?: unknown; expose?: unknown; message?: unknown };
  return typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
}
