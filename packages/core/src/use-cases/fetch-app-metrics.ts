/**
 * The fetch use case: find an app's instances, scrape them (and the external exporters) concurrently within
 * a deadline, stamp CF labels, and answer one merged exposition.
 *
 * Metrics path precedence: **the caller's explicit `metric_path` > the broker binding's endpoint (looked up
 * once per distinct app) > `/metrics`**. The original did the opposite (the binding overrode an explicit
 * `metric_path`, spec §5 item 16) and queried its database once per instance per request.
 *
 * Failures are series, never error text: each failed target adds `promfetcher_scrape_error{<cf labels>,
 * reason="…"} 1`; with `accountingSeries`, every target adds `promfetcher_instance_up` and
 * `promfetcher_instance_scrape_duration_seconds`, and every app `promfetcher_app_instances_expected` and
 * `promfetcher_app_instances_scraped`. These come first in the merge, so an app cannot shadow them.
 *
 * The deadline: each target gets the time left until `timeoutMs` after the start (on the Clock) and the
 * caller's AbortSignal; the TargetScraper enforces it (core has no timers). A target not started before the
 * deadline, or after an abort, is reported as `timeout` without being scraped.
 */
import { AppNotFoundError, type BadRequestError, type ScrapeFailureReason } from '../errors.js';
import type { Exposition, ExpositionFormat, Label, Labels } from '../exposition/model.js';
import { contentTypeFor } from '../exposition/negotiate.js';
import { formatOfContentType, parseExposition } from '../exposition/parse.js';
import { serialize } from '../exposition/serialize.js';
import { mergeAndWrite, modelPart } from '../fast/merge-write.js';
import { scanOpenMetricsPart } from '../fast/openmetrics-part.js';
import { bytesOf, scanTextPart, type Declined, type FastPart, type OutputFormat } from '../fast/text-part.js';
import { mergeExpositions, type MergeConflict } from '../merge/merge-expositions.js';
import type { Clock } from '../ports/clock.js';
import type { EndpointOverrides } from '../ports/endpoint-overrides.js';
import type { Logger } from '../ports/logger.js';
import type { RouteLookup } from '../ports/route-registry.js';
import type { ScrapedBody, ScrapeTarget, TargetScraper } from '../ports/target-scraper.js';
import type { AppLabels, FetchTelemetry } from '../ports/telemetry.js';
import { cfLabelsFor } from '../relabel/cf-labels.js';
import { relabel } from '../relabel/relabel.js';
import { err, ok, type Result } from '../result.js';
import { describeAppRef, resolveApp, type AppRef } from '../routes/app-ref.js';
import type { RouteEntry } from '../routes/endpoint.js';
import { exporterUrl, type ExporterApp, type ExternalExporter } from './external-exporter.js';
import { fetchSeries, type TargetOutcome } from './fetch-series.js';
import { infoLabelsFor, type LabelMode } from './info-labels.js';
import { DEFAULT_METRIC_PATH, validateMetricPath } from './metric-path.js';
import { headersFor, loggableUrl, stripUserinfo } from './scrape-headers.js';

export const DEFAULT_MAX_CONCURRENCY_PER_REQUEST = 32;

export interface FetchOptions {
  readonly maxConcurrencyPerRequest: number;
  readonly externalExporters: readonly ExternalExporter[];
  readonly accountingSeries: boolean;
}

export const DEFAULT_FETCH_OPTIONS: FetchOptions = Object.freeze({
  maxConcurrencyPerRequest: DEFAULT_MAX_CONCURRENCY_PER_REQUEST,
  externalExporters: Object.freeze([]) as readonly ExternalExporter[],
  accountingSeries: true,
});

export interface FetchAppMetricsDeps {
  readonly routes: RouteLookup;
  readonly scraper: TargetScraper;
  readonly overrides: EndpointOverrides;
  readonly clock: Clock;
  readonly telemetry: FetchTelemetry;
  readonly logger: Logger;
  readonly options?: Partial<FetchOptions>;
}

export interface FetchInput {
  readonly app: AppRef;
  /** The caller's `metric_path` (validated again here); undefined → the binding's endpoint or `/metrics`. */
  readonly metricPath?: string;
  /** True for `only-app-metrics` / `only_from_app`: no external exporters. */
  readonly onlyApp: boolean;
  /** The format of the answer. */
  readonly format: ExpositionFormat;
  /** Caller headers to pass on (already filtered by the adapter); exporters never get Authorization. */
  readonly forwardHeaders: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Only the instance with this index (`tags.instance_id`): the per-instance route of discovery. */
  readonly instanceIndex?: string;
  /** `info`: samples keep `app_id` + `index`, plus one `cf_app_instance_info` per instance (info-labels.ts). */
  readonly labelMode?: LabelMode;
}

export interface TargetReport {
  readonly kind: 'instance' | 'exporter';
  /** The URL scraped, without credentials. */
  readonly url: string;
  /** The instance index (`tags.instance_id`), for instances. */
  readonly index?: string;
  /** The exporter's name, for exporters. */
  readonly exporter?: string;
  readonly ok: boolean;
  readonly reason?: ScrapeFailureReason;
  readonly durationMs: number;
}

export interface FetchOutput {
  /** The answer (decoded from `bytes` on first use when the fast path wrote them). */
  readonly body: string;
  /** The answer as UTF-8 bytes, when the fast path wrote it: send these, no need to encode `body`. */
  readonly bytes?: Buffer;
  readonly contentType: string;
  readonly targets: readonly TargetReport[];
}

/** One request's fast-path state, shared by its targets. */
interface FastState {
  readonly format: OutputFormat;
  declined: string | undefined;
}

function fastFormat(input: FetchInput): OutputFormat {
  return input.format === 'openmetrics-1.0.0' ? 'openmetrics' : 'text';
}

interface FastAnswer {
  readonly bytes: Buffer;
  readonly conflicts: readonly MergeConflict[];
  readonly droppedSamples: number;
  readonly targets: readonly TargetReport[];
}

/** True when every two label sets differ in the value of some label they both have. */
function areDistinct(sets: readonly Labels[]): boolean {
  const maps = sets.map((labels) => new Map(labels.map((l) => [l.name, l.value])));
  for (let a = 0; a < maps.length; a++) {
    for (let b = a + 1; b < maps.length; b++) {
      let differ = false;
      for (const [name, value] of maps[a]!) {
        const other = maps[b]!.get(name);
        if (other !== undefined && other !== value) {
          differ = true;
          break;
        }
      }
      if (!differ) return false;
    }
  }
  return true;
}

interface PlannedTarget {
  readonly target: ScrapeTarget;
  readonly headers: Readonly<Record<string, string>>;
  readonly app: ExporterApp;
  /** CF labels stamped on the target's samples. */
  readonly cfLabels: Labels;
  /** The labels of promfetcher's own series for this target. */
  readonly ownLabels: Labels;
  readonly index?: string;
  readonly exporter?: string;
  /** Set when the target cannot be scraped at all (exporter template error). */
  readonly plannedFailure?: ScrapeFailureReason;
}

type Scraped =
  | {
      readonly ok: true;
      readonly body: string;
      readonly bytes: Buffer | undefined;
      readonly contentType: string | undefined;
      /** The fast path's reading of the body, done as soon as it arrived; a string says why it declined. */
      readonly fast: FastPart | string;
      readonly durationMs: number;
    }
  | { readonly ok: false; readonly reason: ScrapeFailureReason; readonly durationMs: number };

type Parsed =
  | { readonly ok: true; readonly exposition: Exposition; readonly durationMs: number }
  | { readonly ok: false; readonly reason: ScrapeFailureReason; readonly durationMs: number };

export class FetchAppMetrics {
  private readonly deps: FetchAppMetricsDeps;
  private readonly options: FetchOptions;

  constructor(deps: FetchAppMetricsDeps) {
    this.deps = deps;
    this.options = { ...DEFAULT_FETCH_OPTIONS, ...deps.options };
    if (
      !Number.isInteger(this.options.maxConcurrencyPerRequest) ||
      this.options.maxConcurrencyPerRequest < 1
    ) {
      throw new RangeError(
        `maxConcurrencyPerRequest must be a positive integer, got ${String(this.options.maxConcurrencyPerRequest)}`,
      );
    }
  }

  async execute(input: FetchInput): Promise<Result<FetchOutput, AppNotFoundError | BadRequestError>> {
    const { clock } = this.deps;
    const deadlineMs = clock.now() + input.timeoutMs;
    let explicitPath: string | undefined;
    if (input.metricPath !== undefined) {
      const checked = validateMetricPath(input.metricPath);
      if (!checked.ok) return checked;
      explicitPath = checked.value;
    }
    const resolved = resolveApp(this.deps.routes, input.app);
    const entries =
      input.instanceIndex === undefined
        ? resolved
        : resolved.filter((e) => e.endpoint.tags['instance_id'] === input.instanceIndex);
    if (entries.length === 0) {
      const what = describeAppRef(input.app);
      return err(
        new AppNotFoundError(
          input.instanceIndex === undefined ? what : `${what} instance ${input.instanceIndex}`,
        ),
      );
    }

    const paths = explicitPath === undefined ? await this.bindingPaths(entries) : undefined;
    const planned: PlannedTarget[] = entries.map((entry) =>
      this.instanceTarget(entry, explicitPath ?? paths?.get(appIdOf(entry)) ?? DEFAULT_METRIC_PATH, input),
    );
    // Info mode: only the instance targets (all of `planned` so far) get the short labels.
    const info = input.labelMode === 'info' ? infoLabelsFor(planned.map((p) => p.cfLabels)) : undefined;
    info?.sampleLabels.forEach((cfLabels, i) => (planned[i] = { ...planned[i]!, cfLabels }));
    if (!input.onlyApp) planned.push(...this.exporterTargets(entries, input));

    const scraped = await this.scrapeAll(planned, deadlineMs, input);
    const infoExposition = info?.exposition;
    const fast = this.fastPath(planned, scraped, infoExposition, input);
    if (fast.ok) {
      this.report(planned, scraped);
      this.reportConflicts(fast.value.conflicts, fast.value.droppedSamples, input);
      return ok(bytesOutput(fast.value.bytes, contentTypeFor(input.format), fast.value.targets));
    }
    this.deps.logger.debug({ app: describeAppRef(input.app), reason: fast.error }, 'fast path declined');
    const parsed = scraped.map((s, i) => this.parse(planned[i]!, s));
    const { outcomes, reports } = this.report(planned, parsed);
    const parts: Exposition[] = [];
    for (let i = 0; i < planned.length; i++) {
      const s = parsed[i]!;
      if (s.ok) parts.push(relabel(s.exposition, planned[i]!.cfLabels));
    }
    const merged = mergeExpositions([
      fetchSeries(outcomes, this.options.accountingSeries),
      ...(infoExposition === undefined ? [] : [infoExposition]),
      ...parts,
    ]);
    this.reportConflicts(merged.conflicts, merged.droppedSamples, input);
    const body = serialize(merged.exposition, input.format, {
      onDrop: (drop) => {
        if (drop.samples > 0) this.deps.telemetry.samplesDropped(drop.samples, `serialize:${drop.reason}`);
      },
    });
    return ok({ body, contentType: contentTypeFor(input.format), targets: reports });
  }

  /**
   * The fast path (src/fast): every scraped body read straight into rendered lines and merged as strings.
   * Taken when every scraped target is an instance whose body (text 0.0.4 or OpenMetrics) its reader
   * accepts, and the instances' CF labels tell them apart; otherwise (an exporter, a parse error, any rare
   * shape) the model path below gives the answer. Both give the same bytes (fast-path.test.ts,
   * openmetrics-part.test.ts).
   */
  /**
   * Reads one scraped body for the fast path as soon as it arrives (so that the reading of the others
   * overlaps the wait for the slowest). After the first decline the request takes the model path anyway and
   * the others are not read.
   */
  private readFast(
    p: PlannedTarget,
    scraped: ScrapedBody,
    bytes: Buffer | undefined,
    state: FastState,
  ): FastPart | string {
    let reason: string;
    // Only a scraper that gives no bytes makes the body string be read here.
    const source = bytes ?? bytesOf(scraped.body);
    if (source === undefined) reason = 'a body with a lone surrogate';
    else {
      const part = this.guarded(p, () =>
        formatOfContentType(scraped.contentType) === 'openmetrics-1.0.0'
          ? scanOpenMetricsPart(source, p.cfLabels, state.format)
          : scanTextPart(source, p.cfLabels, state.format),
      );
      if (!('declined' in part)) return part;
      reason = part.declined;
    }
    state.declined = reason;
    return reason;
  }

  /**
   * Runs a step of the fast path; a fault in it (a bug: it never throws for bad input) is logged and turns
   * into a decline, so the request still gets the model path's answer.
   */
  private guarded<T>(p: PlannedTarget | undefined, step: () => T | Declined): T | Declined {
    try {
      return step();
    } catch (cause) {
      this.deps.logger.error(
        { ...(p === undefined ? {} : { target: loggableUrl(p.target.url) }), err: cause },
        'fast path failed; answering through the model path',
      );
      return { declined: 'fast path error' };
    }
  }

  private fastPath(
    planned: readonly PlannedTarget[],
    scraped: readonly Scraped[],
    infoExposition: Exposition | undefined,
    input: FetchInput,
  ): Result<FastAnswer, string> {
    const format = fastFormat(input);
    const parts: FastPart[] = [];
    const tails: Labels[] = [];
    for (let i = 0; i < planned.length; i++) {
      const s = scraped[i]!;
      if (!s.ok) continue;
      if (typeof s.fast === 'string') return err(s.fast);
      parts.push(s.fast);
      tails.push(planned[i]!.cfLabels);
    }
    if (!areDistinct(tails)) return err('two instances with the same CF labels');
    const { outcomes, reports } = this.outcomes(planned, scraped);
    const own: FastPart[] = [];
    const ownNames = new Set<string>();
    for (const exposition of [
      fetchSeries(outcomes, this.options.accountingSeries),
      ...(infoExposition === undefined ? [] : [infoExposition]),
    ]) {
      const part = modelPart(exposition, format);
      if ('declined' in part) return err(part.declined);
      own.push(part);
      for (const f of part.families) ownNames.add(f.name);
    }
    for (const part of parts) {
      for (const f of part.families) if (ownNames.has(f.name)) return err(`an app family named ${f.name}`);
    }
    const merged = this.guarded(undefined, () => mergeAndWrite([...own, ...parts], format));
    if ('declined' in merged) return err(merged.declined);
    return ok({ ...merged, targets: reports });
  }

  private parse(p: PlannedTarget, s: Scraped): Parsed {
    if (!s.ok) return s;
    const parsed = parseExposition(s.body, s.contentType);
    if (!parsed.ok) {
      this.deps.logger.debug(
        { target: loggableUrl(p.target.url), line: parsed.error.line },
        'scraped body does not parse',
      );
      return { ok: false, reason: 'parse', durationMs: s.durationMs };
    }
    return { ok: true, exposition: parsed.value, durationMs: s.durationMs };
  }

  private reportConflicts(
    conflicts: readonly MergeConflict[],
    droppedSamples: number,
    input: FetchInput,
  ): void {
    for (const conflict of conflicts) {
      if (conflict.dropped > 0)
        this.deps.telemetry.samplesDropped(conflict.dropped, `merge:${conflict.kind}`);
    }
    if (conflicts.length > 0) {
      this.deps.logger.debug(
        { app: describeAppRef(input.app), droppedSamples, conflicts: conflicts.length },
        'merge conflicts between targets',
      );
    }
  }

  /** The targets' outcomes (for promfetcher's own series) and reports; counts each in telemetry. */
  private report(
    planned: readonly PlannedTarget[],
    results: readonly (Scraped | Parsed)[],
  ): { outcomes: TargetOutcome[]; reports: TargetReport[] } {
    const out = this.outcomes(planned, results);
    for (let i = 0; i < planned.length; i++) {
      const p = planned[i]!;
      const s = results[i]!;
      this.deps.telemetry.targetScraped(
        appLabelsOf(p.app),
        p.index === undefined ? { kind: p.target.kind } : { kind: p.target.kind, index: p.index },
        s.ok
          ? { ok: true, durationMs: s.durationMs }
          : { ok: false, reason: s.reason, durationMs: s.durationMs },
      );
    }
    return out;
  }

  private outcomes(
    planned: readonly PlannedTarget[],
    results: readonly (Scraped | Parsed)[],
  ): { outcomes: TargetOutcome[]; reports: TargetReport[] } {
    const outcomes: TargetOutcome[] = [];
    const reports: TargetReport[] = [];
    for (let i = 0; i < planned.length; i++) {
      const p = planned[i]!;
      const s = results[i]!;
      const reason = s.ok ? undefined : s.reason;
      outcomes.push({
        labels: p.ownLabels,
        kind: p.target.kind,
        appKey: p.app.appId,
        appLabels: p.ownLabels.slice(0, 6),
        ok: s.ok,
        ...(reason === undefined ? {} : { reason }),
        durationMs: s.durationMs,
      });
      reports.push({
        kind: p.target.kind,
        url: stripUserinfo(p.target.url),
        ...(p.index === undefined ? {} : { index: p.index }),
        ...(p.exporter === undefined ? {} : { exporter: p.exporter }),
        ok: s.ok,
        ...(reason === undefined ? {} : { reason }),
        durationMs: s.durationMs,
      });
    }
    return { outcomes, reports };
  }

  /** The broker endpoint per distinct app (one lookup each); an invalid or failing one falls back. */
  private async bindingPaths(entries: readonly RouteEntry[]): Promise<Map<string, string>> {
    const apps = [...new Set(entries.map(appIdOf).filter((id) => id !== ''))];
    const paths = new Map<string, string>();
    await Promise.all(
      apps.map(async (appId) => {
        let path: string | undefined;
        try {
          path = await this.deps.overrides.endpointFor(appId);
        } catch (cause) {
          this.deps.logger.warn({ appId, err: cause }, 'binding endpoint lookup failed; using /metrics');
          return;
        }
        if (path === undefined) return;
        const checked = validateMetricPath(path, 'endpoint');
        if (checked.ok) paths.set(appId, checked.value);
        else
          this.deps.logger.warn({ appId, reason: checked.error.message }, 'invalid binding endpoint ignored');
      }),
    );
    return paths;
  }

  private instanceTarget(entry: RouteEntry, path: string, input: FetchInput): PlannedTarget {
    const e = entry.endpoint;
    const scheme = e.tls ? 'https' : 'http';
    const app = exporterAppOf(entry);
    const index = e.tags['instance_id'];
    const target: ScrapeTarget = {
      url: `${scheme}://${e.address}${path}`,
      hostHeader: entry.host.includes('*') ? e.address : entry.host,
      kind: 'instance',
      ...(e.tls && e.serverCertDomainSan !== undefined && e.serverCertDomainSan !== ''
        ? { serverName: e.serverCertDomainSan }
        : {}),
    };
    const cfLabels = cfLabelsFor({
      ...appLabelsOf(app),
      instance: e.address,
      ...(index === undefined ? {} : { index }),
    });
    return {
      target,
      headers: headersFor(input.forwardHeaders, scheme, false),
      app,
      cfLabels,
      ownLabels: cfLabels,
      ...(index === undefined || index === '' ? {} : { index }),
    };
  }

  /** One target per exporter per distinct app, apps in order of first appearance. */
  private exporterTargets(entries: readonly RouteEntry[], input: FetchInput): PlannedTarget[] {
    const apps = new Map<string, ExporterApp>();
    for (const entry of entries) {
      const id = appIdOf(entry);
      if (id !== '' && !apps.has(id)) apps.set(id, exporterAppOf(entry));
    }
    const out: PlannedTarget[] = [];
    for (const exporter of this.options.externalExporters) {
      for (const app of apps.values()) {
        const cfLabels = cfLabelsFor(appLabelsOf(app));
        const ownLabels: Labels = [...cfLabels, { name: 'exporter', value: exporter.name } satisfies Label];
        const url = exporterUrl(exporter, app);
        if (!url.ok) {
          this.deps.logger.warn(
            { exporter: exporter.name, reason: url.error.message },
            'external exporter not scraped',
          );
        }
        out.push({
          target: {
            url: url.ok ? url.value : `${exporter.scheme}://${exporter.host}`,
            hostHeader: stripUserinfo(exporter.host),
            kind: 'exporter',
          },
          headers: headersFor(input.forwardHeaders, exporter.scheme, true),
          app,
          cfLabels,
          ownLabels,
          exporter: exporter.name,
          ...(url.ok ? {} : { plannedFailure: 'other' as const }),
        });
      }
    }
    return out;
  }

  /** Runs the targets with the concurrency bound; results are in the targets' order. */
  private async scrapeAll(
    planned: readonly PlannedTarget[],
    deadlineMs: number,
    input: FetchInput,
  ): Promise<Scraped[]> {
    const results = new Array<Scraped>(planned.length);
    // Exporter parts are not isolated from the instances' (the merge checks them across parts): with any
    // exporter the model path answers, so no body is read for the fast path.
    const exporters = planned.some((p) => p.target.kind === 'exporter');
    const fast: FastState = {
      format: fastFormat(input),
      declined: exporters ? 'exporters among the targets' : undefined,
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < planned.length) {
        const i = next++;
        results[i] = await this.scrapeOne(planned[i]!, deadlineMs, input.signal, fast);
      }
    };
    const workers = Math.min(this.options.maxConcurrencyPerRequest, planned.length);
    await Promise.all(Array.from({ length: workers }, worker));
    return results;
  }

  private async scrapeOne(
    p: PlannedTarget,
    deadlineMs: number,
    signal: AbortSignal | undefined,
    fast: FastState,
  ): Promise<Scraped> {
    const { clock, scraper, logger } = this.deps;
    if (p.plannedFailure !== undefined) return { ok: false, reason: p.plannedFailure, durationMs: 0 };
    const startMs = clock.now();
    const timeoutMs = deadlineMs - startMs;
    if (timeoutMs <= 0 || signal?.aborted === true) return { ok: false, reason: 'timeout', durationMs: 0 };
    const headers = { ...p.headers, 'X-Prometheus-Scrape-Timeout-Seconds': (timeoutMs / 1000).toFixed(3) };
    let result;
    try {
      result = await scraper.scrape({
        target: p.target,
        headers,
        timeoutMs,
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (cause) {
      logger.error({ target: loggableUrl(p.target.url), err: cause }, 'target scraper threw');
      return { ok: false, reason: 'other', durationMs: clock.now() - startMs };
    }
    if (!result.ok) {
      logger.debug({ target: loggableUrl(p.target.url), reason: result.error.reason }, 'scrape failed');
      return { ok: false, reason: result.error.reason, durationMs: clock.now() - startMs };
    }
    const body = result.value;
    const bytes = body.bytes === undefined ? undefined : asBuffer(body.bytes);
    return {
      ok: true,
      get body(): string {
        return body.body;
      },
      bytes,
      contentType: body.contentType,
      durationMs: body.durationMs,
      fast: fast.declined ?? this.readFast(p, body, bytes, fast),
    };
  }
}

/** A FetchOutput whose `body` is decoded from `bytes` only when someone reads it. */
function bytesOutput(bytes: Buffer, contentType: string, targets: readonly TargetReport[]): FetchOutput {
  let body: string | undefined;
  return {
    get body(): string {
      return (body ??= bytes.toString('utf8'));
    },
    bytes,
    contentType,
    targets,
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function appIdOf(entry: RouteEntry): string {
  return entry.endpoint.tags['app_id'] ?? '';
}

function exporterAppOf(entry: RouteEntry): ExporterApp {
  const t = entry.endpoint.tags;
  return {
    organizationId: t['organization_id'] ?? '',
    spaceId: t['space_id'] ?? '',
    appId: t['app_id'] ?? '',
    organizationName: t['organization_name'] ?? '',
    spaceName: t['space_name'] ?? '',
    appName: t['app_name'] ?? '',
    sourceId: t['source_id'] ?? t['app_id'] ?? '',
  };
}

function appLabelsOf(app: ExporterApp): AppLabels {
  return {
    organizationId: app.organizationId,
    spaceId: app.spaceId,
    appId: app.appId,
    organizationName: app.organizationName,
    spaceName: app.spaceName,
    appName: app.appName,
  };
}
